// The case's ongoing work: follow-ups, visit notes, referrals with the statuses they may move to, consent to
// share information, photos (opened for the case, or a visit note by swiping it, to add one) and the timeline.
import HosoCore
import SwiftUI

struct FollowUpsSection: View {
    let followUps: [AgendaItem]

    var body: some View {
        Section("case.followUps") {
            if followUps.isEmpty { Text("agenda.nothing").foregroundStyle(.secondary) }
            ForEach(Array(followUps.enumerated()), id: \.offset) { _, item in AgendaRow(item: item) }
        }
    }
}

struct VisitsSection: View {
    let caseId: String
    let visits: [VisitRow]
    let onNewVisit: () -> Void
    @Environment(\.openRoute) private var openRoute

    var body: some View {
        Section("case.visits") {
            Button("case.newVisit", systemImage: "square.and.pencil", action: onNewVisit)
            ForEach(visits, id: \.recordId) { visit in
                Button { openRoute(.form(visit.recordId)) } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            if let date = visit.date { Text(date.text) } else { Text("visit.noDate") }
                            if visit.draft { Text("visit.draft").foregroundStyle(.orange) }
                        }
                        .font(.caption)
                        if visit.summary.isEmpty { Text("visit.noNotes") } else { Text(visit.summary) }
                        if let next = visit.nextVisit { Text("visit.next \(next.text)").font(.caption) }
                    }
                    .foregroundStyle(.primary)
                }
                .swipeActions { Button("visit.photos", systemImage: "camera") { openRoute(.photos(caseId: caseId, attachedTo: visit.recordId)) } }
            }
        }
    }
}

struct ReferralsSection: View {
    let referrals: [ReferralRow]
    let onMove: (String, String) -> Void

    var body: some View {
        Section("case.referrals") {
            ForEach(referrals, id: \.recordId) { referral in
                VStack(alignment: .leading, spacing: 4) {
                    Text(referral.provider).font(.headline)
                    HStack {
                        CoreText(referral.statusLabel)
                        if let date = referral.date { Text(date.text) }
                    }
                    .font(.caption)
                    HStack {
                        ForEach(referral.next, id: \.status) { next in
                            Button { onMove(referral.recordId, next.status) } label: { CoreText(next.label) }
                                .buttonStyle(.bordered)
                        }
                    }
                }
            }
        }
    }
}

struct SharingSection: View {
    let state: CaseScreen

    var body: some View {
        Section("case.sharing") {
            if state.sharing.allowed {
                Text("case.sharingAllowed").foregroundStyle(.tint)
            } else {
                Text("case.sharingNotAllowed").foregroundStyle(.red)
                ForEach(Array(state.sharing.missing.enumerated()), id: \.offset) { _, missing in
                    CoreText(missing).font(.caption)
                }
            }
            ForEach(state.sharedForms, id: \.recordId) { FormRowLine(row: $0) }
        }
    }
}

struct PhotosSection: View {
    let caseId: String
    let photos: [PhotoRow]
    @Environment(\.openRoute) private var openRoute

    var body: some View {
        Section("case.photos") {
            Button("case.openPhotos", systemImage: "camera") { openRoute(.photos(caseId: caseId, attachedTo: nil)) }
            ForEach(photos, id: \.recordId) { photo in
                if let taken = photo.takenOn { Text(taken.text) } else { Text("photo.noDate") }
            }
        }
    }
}

struct TimelineSection: View {
    let timeline: [TimelineRow]

    var body: some View {
        Section("case.timeline") {
            ForEach(Array(timeline.enumerated()), id: \.offset) { _, row in
                VStack(alignment: .leading) {
                    Text(row.date.text).font(.caption)
                    CoreText(row.title)
                }
            }
        }
    }
}
