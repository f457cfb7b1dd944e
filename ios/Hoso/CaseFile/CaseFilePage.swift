// A case's file: the subject, the five steps of TT 02/2020 Điều 3 with their forms, the actions of the
// current step (the refused ones with the law's reason), the forms that may be started, follow-ups, visit
// notes, referrals, consent to share, photos and the timeline — all as the core computed them.
import HosoCore
import SwiftUI

struct CaseFilePage: View {
    let caseId: String
    @Environment(AppModel.self) private var app
    @Environment(\.openRoute) private var openRoute
    @State private var model = ScreenModel<CaseScreen>()

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            if let state = model.state {
                CaseHeader(state: state)
                ActionsSection(actions: state.actions) { action, input in act(action, input) }
                StepsSection(steps: state.steps)
                NewFormsSection(options: state.newForms) { formId in start(formId) }
                FollowUpsSection(followUps: state.followUps)
                VisitsSection(caseId: caseId, visits: state.visits) { startVisit() }
                ReferralsSection(referrals: state.referrals) { referralId, status in move(referralId, status) }
                SharingSection(state: state)
                PhotosSection(caseId: caseId, photos: state.photos)
                TimelineSection(timeline: state.timeline)
            }
        }
        .navigationTitle(Text(model.state?.subject?.fullName ?? ""))
        .overlay { if model.state == nil && model.busy { ProgressView() } }
        .task { await load() }
        .refreshable { await load() }
    }

    private func load() async {
        await model.update(app) { [caseId] core in try core.caseScreen(caseId: caseId) }
    }

    private func act(_ action: CaseAction, _ input: CaseActionInput) {
        Task {
            guard let outcome = await model.perform(app, { [caseId] core in try core.caseAct(caseId: caseId, action: action, input: input) }) else { return }
            model.state = outcome.`case`
            if let form = outcome.openedForm { openRoute(.form(form.recordId)) }
        }
    }

    private func start(_ formId: String) {
        Task {
            if let form = await model.perform(app, { [caseId] core in try core.formStart(caseId: caseId, formId: formId) }) {
                openRoute(.form(form.recordId))
            }
        }
    }

    private func startVisit() {
        Task {
            if let form = await model.perform(app, { [caseId] core in try core.visitStart(caseId: caseId) }) {
                openRoute(.form(form.recordId))
            }
        }
    }

    private func move(_ referralId: String, _ status: String) {
        Task { await model.update(app) { try $0.referralSetStatus(referralId: referralId, status: status) } }
    }
}
