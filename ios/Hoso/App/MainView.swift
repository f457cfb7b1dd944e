// The main screens once unlocked: a tab bar with a navigation stack per section on iPhone; on iPad a
// NavigationSplitView — sections, the section's list (the approval queue, the oversight figures…), and
// the opened case, household, form or photos beside it.
import HosoCore
import SwiftUI

struct MainView: View {
    @Environment(\.horizontalSizeClass) private var sizeClass

    var body: some View {
        if sizeClass == .regular { SplitMain() } else { TabMain() }
    }
}

private struct TabMain: View {
    @Environment(AppModel.self) private var app
    @State private var paths: [AppSection: [Route]] = [:]

    var body: some View {
        TabView {
            ForEach(AppSection.available(for: app.launch?.user)) { section in
                let path = Binding(get: { paths[section] ?? [] }, set: { paths[section] = $0 })
                NavigationStack(path: path) {
                    SectionPage(section: section)
                        .navigationTitle(Text(section.title))
                        .navigationDestination(for: Route.self) { RoutePage(route: $0) }
                }
                .environment(\.openRoute, OpenRoute { path.wrappedValue.append($0) })
                .tabItem { Label(section.title, systemImage: section.systemImage) }
                .tag(section)
            }
        }
    }
}

private struct SplitMain: View {
    @Environment(AppModel.self) private var app
    @State private var section: AppSection? = .agenda
    @State private var detail: Route?
    @State private var detailPath: [Route] = []

    var body: some View {
        NavigationSplitView {
            List(AppSection.available(for: app.launch?.user), selection: $section) { section in
                Label(section.title, systemImage: section.systemImage).tag(section)
            }
            .navigationTitle(Text("app.name"))
        } content: {
            if let section {
                SectionPage(section: section)
                    .navigationTitle(Text(section.title))
                    .environment(\.openRoute, OpenRoute { route in
                        detail = route
                        detailPath = []
                    })
            }
        } detail: {
            NavigationStack(path: $detailPath) {
                Group {
                    if let detail {
                        RoutePage(route: detail)
                    } else {
                        ContentUnavailableView("split.pickOne", systemImage: "sidebar.right")
                    }
                }
                .navigationDestination(for: Route.self) { RoutePage(route: $0) }
            }
            .environment(\.openRoute, OpenRoute { detailPath.append($0) })
        }
        .onChange(of: section) { _, _ in
            detail = nil
            detailPath = []
        }
    }
}
