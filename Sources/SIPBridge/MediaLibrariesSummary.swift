import Media

/// Library versions are fixed for the life of the process: read them once.
enum MediaLibrariesSummary {
    static let text = MediaLibraries.summary
}
