// The app's places: the sections of the tab bar (iPhone) or sidebar (iPad), and the routes opened from
// them. `openRoute` says where a route opens: pushed on iPhone, in the detail column on iPad.
import HosoCore
import SwiftUI

enum AppSection: String, Hashable, CaseIterable, Identifiable {
    case agenda, cases, households, sync, settings

    var id: String { rawValue }

    var title: LocalizedStringKey {
        switch self {
        case .agenda: "section.agenda"
        case .cases: "section.cases"
        case .households: "section.households"
        case .sync: "section.sync"
        case .settings: "section.settings"
        }
    }

    var systemImage: String {
        switch self {
        case .agenda: "calendar"
        case .cases: "folder"
        case .households: "house"
        case .sync: "arrow.triangle.2.circlepath"
        case .settings: "gearshape"
        }
    }
}

enum Route: Hashable {
    case caseFile(String)
    case household(String)
    case form(String)
}

struct OpenRoute {
    let action: (Route) -> Void

    func callAsFunction(_ route: Route) { action(route) }
}

extension EnvironmentValues {
    @Entry var openRoute = OpenRoute { _ in }
}

/// The page of a route.
struct RoutePage: View {
    let route: Route

    var body: some View {
        switch route {
        case let .caseFile(caseId): CaseFilePage(caseId: caseId)
        case let .household(householdId): HouseholdPage(householdId: householdId)
        case let .form(recordId): FormPage(recordId: recordId)
        }
    }
}

/// The page at the top of a section.
struct SectionPage: View {
    let section: AppSection

    var body: some View {
        switch section {
        case .agenda: AgendaPage()
        case .cases: CaseListPage()
        case .households: HouseholdListPage()
        case .sync: SyncPage()
        case .settings: SettingsPage()
        }
    }
}
