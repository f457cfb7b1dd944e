//! Photos for the end-to-end tests and the simulator: realistic camera JPEGs made from the demo scene,
//! and the photo endpoints called by hand (a device's token, raw chunks), to cut an upload exactly
//! where a test wants it.

use crate::Device;
use hoso_core::store::meta_keys::DEVICE_TOKEN;
use hoso_model::protocol::UploadStatus;
use sha2::{Digest, Sha256};

/// A camera JPEG (quality 90) of the demo scene; each `variant` is another photo.
pub fn camera_jpeg(width: u16, height: u16, variant: u32) -> Vec<u8> {
    let pixels = hoso_model::demo::photo_scene(u32::from(width), u32::from(height), variant);
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encode the camera JPEG");
    jpeg
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The photo endpoints as one device calls them, by hand.
pub struct PhotoClient {
    server: String,
    token: String,
    client: reqwest::blocking::Client,
}

/// An answer: its status and body.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }

    pub fn upload_status(&self) -> UploadStatus {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        serde_json::from_slice(&self.body).expect("an upload status")
    }
}

impl PhotoClient {
    pub fn of(device: &Device, server_url: &str) -> PhotoClient {
        PhotoClient {
            server: server_url.trim_end_matches('/').to_string(),
            token: device
                .store
                .meta(DEVICE_TOKEN)
                .expect("meta")
                .expect("an enrolled device"),
            client: reqwest::blocking::Client::new(),
        }
    }

    fn answer(request: reqwest::blocking::RequestBuilder) -> Answer {
        let response = request.send().expect("the server answers");
        Answer {
            status: response.status().as_u16(),
            body: response.bytes().expect("a body").to_vec(),
        }
    }

    pub fn status(&self, photo_id: &str) -> Answer {
        Self::answer(
            self.client
                .get(format!("{}/v1/photos/{photo_id}/upload", self.server))
                .bearer_auth(&self.token),
        )
    }

    /// Sends `chunk` at `offset` with the hash `sha256` (the chunk's own, unless a test damages it).
    pub fn chunk_with_hash(
        &self,
        photo_id: &str,
        offset: usize,
        chunk: &[u8],
        sha256: &str,
    ) -> Answer {
        Self::answer(
            self.client
                .put(format!(
                    "{}/v1/photos/{photo_id}/upload?offset={offset}&sha256={sha256}",
                    self.server
                ))
                .bearer_auth(&self.token)
                .body(chunk.to_vec()),
        )
    }

    pub fn chunk(&self, photo_id: &str, offset: usize, chunk: &[u8]) -> Answer {
        self.chunk_with_hash(photo_id, offset, chunk, &sha256_hex(chunk))
    }

    /// Sends `image[from..to]` in chunks of `size`.
    pub fn send(
        &self,
        photo_id: &str,
        image: &[u8],
        from: usize,
        to: usize,
        size: usize,
    ) -> UploadStatus {
        let mut status = None;
        let mut offset = from;
        while offset < to {
            let end = (offset + size).min(to);
            status = Some(
                self.chunk(photo_id, offset, &image[offset..end])
                    .upload_status(),
            );
            offset = end;
        }
        status.expect("at least one chunk")
    }

    pub fn image(&self, photo_id: &str, range: Option<&str>) -> Answer {
        let request = self
            .client
            .get(format!("{}/v1/photos/{photo_id}/image", self.server))
            .bearer_auth(&self.token);
        Self::answer(match range {
            Some(range) => request.header("Range", range),
            None => request,
        })
    }
}
