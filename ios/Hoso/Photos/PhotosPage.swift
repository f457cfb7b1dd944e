// The photos of a case or of one of its visit notes: each with its thumbnail, caption and, for a photo
// taken on this device, its upload progress; and a new one from the camera or the photo library
// (PhotosPicker, no library permission), converted to JPEG before the core takes it, marked sensitive when
// the user says so; a tapped photo opens full size.
import HosoCore
import PhotosUI
import SwiftUI
import UIKit

struct PhotosPage: View {
    let caseId: String
    let attachedTo: String?
    @Environment(AppModel.self) private var app
    @Environment(\.coreLanguage) private var language
    @State private var model = ScreenModel<[PhotoItem]>()
    @State private var categories: [PhotoCategoryOption] = []
    @State private var caption = ""
    @State private var category = "other"
    /// An ID document is sensitive whatever this says (the core decides); the user may mark any other.
    @State private var sensitive = false
    @State private var viewing: ViewedPhoto?
    @State private var picked: PhotosPickerItem?
    @State private var showCamera = false

    var body: some View {
        List {
            if let error = model.error { ErrorNotice(error: error) }
            newPhoto
            if let photos = model.state {
                Section {
                    if photos.isEmpty { Text("photos.none").foregroundStyle(.secondary) }
                    ForEach(photos, id: \.photoId) { photo in
                        Button { viewing = ViewedPhoto(id: photo.photoId, caption: photo.caption) } label: {
                            PhotoLine(photo: photo, categories: categories)
                        }
                        .buttonStyle(.plain)
                    }
                } header: {
                    Text("case.photos") + Text(verbatim: " (\(photos.count))")
                }
            }
        }
        .navigationTitle(Text("case.photos"))
        .overlay { if model.state == nil && model.busy { ProgressView() } }
        .refreshable { await load() }
        .task {
            categories = (try? await app.call { $0.photoCategories() }) ?? []
            await load()
        }
        .onChange(of: picked) { _, item in
            guard let item else { return }
            picked = nil
            Task { await attach(await PhotoImport.jpeg(item)) }
        }
        .fullScreenCover(item: $viewing) { PhotoViewer(photo: $0) }
        .fullScreenCover(isPresented: $showCamera) {
            CameraPicker { image in Task { await attach(PhotoImport.jpeg(image)) } }.ignoresSafeArea()
        }
    }

    private var newPhoto: some View {
        Section {
            TextField("photo.caption", text: $caption)
            Picker("photo.category", selection: $category) {
                ForEach(categories, id: \.code) { option in
                    Text(verbatim: language.pick(vi: option.labelVi, en: option.labelEn)).tag(option.code)
                }
            }
            Toggle("photo.markSensitive", isOn: $sensitive)
            HStack {
                Button("photo.take", systemImage: "camera") { showCamera = true }
                    .buttonStyle(.borderedProminent)
                    .disabled(!CameraPicker.isAvailable || model.busy)
                PhotosPicker(selection: $picked, matching: .images) {
                    Label("photo.pick", systemImage: "photo.on.rectangle")
                }
                .buttonStyle(.bordered)
                .disabled(model.busy)
            }
        }
    }

    private func load() async {
        await model.update(app) { [caseId, attachedTo] core in
            if let attachedTo { try core.attachedPhotos(recordId: attachedTo) } else { try core.casePhotos(caseId: caseId) }
        }
    }

    /// One call: the core keeps the picture sealed, queues its upload and answers the list with it. A
    /// picture that could not be read reaches the core as no bytes, and the page shows the core's refusal.
    private func attach(_ jpeg: Data?) async {
        let input = PhotoInput(caseId: caseId, attachedTo: attachedTo, formField: nil, caption: caption, category: category, location: nil, sensitive: sensitive)
        await model.update(app) { [caseId, attachedTo] core in
            _ = try core.attachPhoto(input: input, image: jpeg ?? Data())
            if let attachedTo { return try core.attachedPhotos(recordId: attachedTo) }
            return try core.casePhotos(caseId: caseId)
        }
        if model.error == nil {
            caption = ""
            sensitive = false
        }
    }
}

/// The photo a tap opened.
private struct ViewedPhoto: Identifiable {
    let id: String
    let caption: String
}

/// A photo full size, once the core has its image (from this device, or downloaded and kept), or why it
/// cannot be shown (offline; a sensitive photo this user may not see); a tap closes it.
private struct PhotoViewer: View {
    let photo: ViewedPhoto
    @Environment(AppModel.self) private var app
    @Environment(\.dismiss) private var dismiss
    @State private var image: UIImage?
    @State private var error: ApiError?

    var body: some View {
        ZStack {
            Color.black.ignoresSafeArea()
            if let image {
                Image(uiImage: image).resizable().scaledToFit().accessibilityLabel(Text(verbatim: photo.caption))
            } else if let error {
                ErrorNotice(error: error).padding()
            } else {
                ProgressView().tint(.white)
            }
        }
        .onTapGesture { dismiss() }
        .task {
            do {
                let data = try await app.call { [id = photo.id] core in try core.openPhoto(photoId: id) }
                image = UIImage(data: data)
            } catch let refusal as ApiError {
                error = refusal
            } catch {
                self.error = .Internal
            }
        }
    }
}

/// One photo: its thumbnail (a lock for a sensitive photo this user may not see), caption, what it shows
/// and, when taken here, how much of it the server holds.
private struct PhotoLine: View {
    let photo: PhotoItem
    let categories: [PhotoCategoryOption]
    @Environment(\.coreLanguage) private var language

    var body: some View {
        HStack(alignment: .top) {
            if let data = photo.thumbnailJpeg, let image = UIImage(data: data) {
                Image(uiImage: image).resizable().scaledToFit().frame(width: 72, height: 72)
            } else {
                Image(systemName: "lock.fill").frame(width: 72, height: 72).accessibilityLabel(Text("photo.withheld"))
            }
            VStack(alignment: .leading, spacing: 4) {
                if let option = categories.first(where: { $0.code == photo.category }) {
                    Text(verbatim: language.pick(vi: option.labelVi, en: option.labelEn)).font(.caption)
                }
                if photo.caption.isEmpty { Text("photo.noCaption") } else { Text(photo.caption) }
                if let upload = photo.upload { UploadLine(upload: upload) }
            }
        }
    }
}

private struct UploadLine: View {
    let upload: PhotoUploadProgress
    @Environment(\.coreLanguage) private var language

    var body: some View {
        let percent = Int(upload.fraction * 100)
        VStack(alignment: .leading, spacing: 2) {
            switch upload.state {
            case "uploaded": Text("photo.uploaded \(percent)").font(.caption)
            case "uploading": Text("photo.uploading \(percent)").font(.caption)
            case "failed": Text("photo.uploadFailed \(percent)").font(.caption)
            default: Text("photo.waiting \(percent)").font(.caption)
            }
            if upload.state != "uploaded" { ProgressView(value: upload.fraction) }
            if let vi = upload.failureVi {
                Text(verbatim: language.pick(vi: vi, en: upload.failureEn ?? vi)).font(.caption).foregroundStyle(.red)
            }
        }
    }
}
