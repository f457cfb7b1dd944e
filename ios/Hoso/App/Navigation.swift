// The app's places: the sections of the tab bar (iPhone) or sidebar (iPad) — the approval queue and the
// oversight figures for those who approve or oversee —, and the routes opened from them. `openRoute` says
// where a route opens: pushed on iPhone, in the detail column on iPad.
import HosoCore
import SwiftUI

enum AppSection: String, Hashable, CaseIterable, Identifiable {
    case agenda, approvals, oversight, cases, households, sync, settings

    var id: String { rawValue }

    /// This user's sections: an approver also has the queue; whoever approves, or only reads
    /// (provincial staff), the area's figures.
    static func available(for user: UserSummary?) -> [AppSection] {
        let oversees = user.map { $0.mayApprove || !$0.mayRecord } ?? false
        return allCases.filter { section in
            switch section {
            case .approvals: user?.mayApprove ?? false
            case .oversight: oversees
            default: true
            }
        }
    }

    var title: LocalizedStringKey {
        switch self {
        case .agenda: "section.agenda"
        case .approvals: "section.approvals"
        case .oversight: "section.oversight"
        case .cases: "section.cases"
        case .households: "section.households"
        case .sync: "section.sync"
        case .settings: "section.settings"
        }
    }

    var systemImage: String {
        switch self {
        case .agenda: "calendar"
        case .approvals: "checkmark.seal"
        case .oversight: "chart.bar"
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
    /// The photos of a case, or of one of its visit notes or forms, and a new one.
    case photos(caseId: String, attachedTo: String?)
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
        case let .photos(caseId, attachedTo): PhotosPage(caseId: caseId, attachedTo: attachedTo)
        }
    }
}

/// The page at the top of a section.
struct SectionPage: View {
    let section: AppSection

    var body: some View {
        switch section {
        case .agenda: AgendaPage()
        case .approvals: ApprovalQueuePage()
        case .oversight: OversightPage()
        case .cases: CaseListPage()
        case .households: HouseholdListPage()
        case .sync: SyncPage()
        case .settings: SettingsPage()
        }
    }
}
