// swift-tools-version:6.2
import PackageDescription

/// C libraries come from Debian's -dev packages (the Makefile installs them).
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "jingle-sip-bridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jingle-sip-bridge", targets: ["jingle-sip-bridge"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        systemLibrary("CExpat", pkgConfig: "expat", apt: "libexpat1-dev"),
        systemLibrary("CLibXML2", pkgConfig: "libxml-2.0", apt: "libxml2-dev"),
        systemLibrary("COpenSSL", pkgConfig: "openssl", apt: "libssl-dev"),
        systemLibrary("CSRTP", pkgConfig: "libsrtp2", apt: "libsrtp2-dev"),
        systemLibrary("COpus", pkgConfig: "opus", apt: "libopus-dev"),
        systemLibrary("CSpeexDSP", pkgConfig: "speexdsp", apt: "libspeexdsp-dev"),
        systemLibrary("CSpanDSP", pkgConfig: "spandsp", apt: "libspandsp-dev"),

        .target(
            name: "XMPPCore",
            dependencies: ["CExpat", "COpenSSL"],
            swiftSettings: strict
        ),
        .target(
            name: "XMPPComponent",
            dependencies: [
                "XMPPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(name: "SDP", swiftSettings: strict),
        .target(name: "Jingle", dependencies: ["XMPPCore", "SDP"], swiftSettings: strict),
        .target(
            name: "SIP",
            dependencies: [
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Media",
            dependencies: [
                "COpenSSL", "CSRTP", "COpus", "CSpeexDSP", "CSpanDSP", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SIPBridge",
            dependencies: [
                "XMPPCore", "XMPPComponent", "Jingle", "SDP", "SIP", "Media", "CLibXML2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // The schema is embedded in ConfigurationSchema.swift; a test keeps it equal to this file.
            exclude: ["Resources/component.rng"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "jingle-sip-bridge",
            dependencies: [
                "SIPBridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // Benchmarks: `swift run -c release srtp-bench` (see README, Performance).
        .executableTarget(
            name: "srtp-bench", dependencies: ["Media"], path: "Benchmarks/srtp-bench", swiftSettings: strict),
        // `Benchmarks/command-bench/run.py`: ad-hoc command latency with many live calls (Prosody + the bridge).
        .executableTarget(
            name: "command-bench",
            dependencies: [
                "SIPBridge", "XMPPComponent", "XMPPCore", "Jingle", "Media",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/command-bench", exclude: ["run.py"], swiftSettings: strict),
        // `swift run -c release sip-bench`: SIP messages and non-INVITE transactions per second on one core.
        .executableTarget(
            name: "sip-bench", dependencies: ["SIP", .product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/sip-bench", swiftSettings: strict),
        // `swift run -c release codec-bench`: transcoding cost per call against a C libopus + G.711 loop.
        .target(name: "CCodecBaseline", dependencies: ["COpus"], path: "Benchmarks/codec-bench/Baseline"),
        .executableTarget(
            name: "codec-bench", dependencies: ["Media", "CCodecBaseline"], path: "Benchmarks/codec-bench",
            exclude: ["Baseline"], swiftSettings: strict),
        // `swift run -c release relay-bench`: the media relay against a C baseline (README, Performance).
        .target(
            name: "RelayBaseline", path: "Benchmarks/relay-baseline", linkerSettings: [.linkedLibrary("crypto")]),
        .executableTarget(
            name: "relay-bench",
            dependencies: [
                "Media", "RelayBaseline", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/relay-bench", swiftSettings: strict),

        // Counts heap allocations per thread, for the tests that prove the media hot path allocates nothing.
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(
            name: "XMPPCoreTests",
            dependencies: ["XMPPCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "XMPPComponentTests",
            dependencies: [
                "XMPPComponent", "XMPPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SIPTests",
            dependencies: [
                "SIP", .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Torture", "SIPp", "Registration/kamailio-registrar.cfg"],
            swiftSettings: strict),
        .testTarget(name: "SDPTests", dependencies: ["SDP"], swiftSettings: strict),
        .testTarget(
            name: "MediaTests", dependencies: ["Media", "CAllocationCounter", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict),
        .testTarget(
            name: "JingleTests", dependencies: ["Jingle", "XMPPCore", "SDP"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "SIPBridgeTests",
            dependencies: [
                "SIPBridge", "XMPPCore", "XMPPComponent",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ]
)
