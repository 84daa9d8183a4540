import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPBridge
import ServiceLifecycle
import UnixSignals

/// Process start-up: arguments, configuration file, logging, signals. Everything else is in SIPBridge.
@main
struct JingleSIPBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jingle-sip-bridge",
        abstract: "XMPP Jingle <-> SIP bridge (XEP-0114 component).",
        version: BridgeVersion.version,
        subcommands: [Run.self, CheckConfig.self],
        defaultSubcommand: Run.self)
}

/// Exit code for configuration errors, distinct from runtime failures.
let configurationErrorExitCode: Int32 = 2

func loadConfiguration(_ path: String) -> BridgeConfiguration? {
    switch readConfiguration(path) {
    case .success(let configuration): return configuration
    case .failure(let errors):
        for problem in errors.errors {
            FileHandle.standardError.write(Data("\(problem)\n".utf8))
        }
        return nil
    }
}

func readConfiguration(_ path: String) -> Result<BridgeConfiguration, ConfigurationErrors> {
    Result { () throws(ConfigurationErrors) in
        try ConfigurationLoader.load(contentsOf: path, environment: ProcessInfo.processInfo.environment)
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration file and exit (status 2 on errors).")

    @Argument(help: "Path to component.xml.")
    var file: String = "component.xml"

    func run() throws {
        guard loadConfiguration(file) != nil else { throw ExitCode(configurationErrorExitCode) }
        print("\(file): OK")
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bridge (the default).")

    @Option(name: .shortAndLong, help: "Path to component.xml.")
    var config: String = "component.xml"

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical); overrides <log level>.")
    var logLevel: Logger.Level?

    func run() async throws {
        guard let configuration = loadConfiguration(config) else { throw ExitCode(configurationErrorExitCode) }
        let level = logLevel ?? Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "jingle-sip-bridge")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let path = config
        let bridge = Bridge(
            configuration: configuration, group: group, logger: logger,
            configurationSource: { readConfiguration(path) })
        let reloader = Reloader(path: config, bridge: bridge, logger: logger)
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: bridge, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: reloader),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await services.run()
        try await group.shutdownGracefully()
    }
}

/// SIGHUP re-reads the configuration file and hands it to the bridge.
struct Reloader: Service {
    let path: String
    let bridge: Bridge
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading \(path)")
            switch readConfiguration(path) {
            case .success(let configuration):
                await bridge.reload(configuration)
            case .failure(let errors):
                logger.error("reload failed; keeping the running configuration:\n\(errors)")
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
