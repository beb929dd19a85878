//! What a file is, read from its bytes, never from the client's claim (SPEC R17): its content
//! type by signature (active types such as HTML, SVG and script never served as themselves),
//! whether a browser may show it inline, and a file name safe to store and send back.

/// The bytes at the start of a file that its type is read from.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A file name safe to store and to send back: the last path component, without control or
/// direction characters or quotes, at most 200 characters; `file` when nothing is left.
pub fn sanitize_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Types a browser would run or render as a page: never served as themselves.
fn is_active(mime: &str) -> bool {
    matches!(
        mime,
        "text/html"
            | "application/xhtml+xml"
            | "image/svg+xml"
            | "text/xml"
            | "application/xml"
            | "application/javascript"
            | "text/javascript"
    )
}

/// The content type of `bytes` by their signature; text when they are UTF-8, else binary.
/// Active types (HTML, SVG, XML, script) are stored as plain text or binary, so a download can
/// never run in the browser whatever headers a proxy adds or drops.
pub fn detect_content_type(bytes: &[u8]) -> String {
    let mut s = Sniffer::default();
    s.push(bytes);
    s.content_type()
}

/// [`detect_content_type`] of a file that arrives in pieces: the signature is read from the
/// first [`SNIFF_BYTES`], and the whole file is checked to be UTF-8 as it passes, so no more
/// than those bytes are kept.
#[derive(Default)]
pub struct Sniffer {
    head: Vec<u8>,
    utf8: Utf8Check,
}

impl Sniffer {
    pub fn push(&mut self, bytes: &[u8]) {
        let room = SNIFF_BYTES.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
        self.utf8.push(bytes);
    }

    /// The type of everything pushed so far.
    pub fn content_type(&self) -> String {
        match infer::get(&self.head).map(|k| k.mime_type()) {
            Some(mime) if !is_active(mime) => mime.to_owned(),
            _ if self.utf8.is_valid() => "text/plain".to_owned(),
            _ => "application/octet-stream".to_owned(),
        }
    }
}

/// Whether a byte stream cut anywhere is UTF-8, keeping at most the 3 bytes of a character cut
/// in two.
#[derive(Default)]
struct Utf8Check {
    /// The start of a character the last piece ended in.
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn push(&mut self, mut bytes: &[u8]) {
        if self.invalid {
            return;
        }
        if let Some(&lead) = self.carry.first() {
            let len = match lead {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            let need = (len - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..need]);
            bytes = &bytes[need..];
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) if e.error_len().is_none() && bytes.is_empty() => return,
                Err(_) => {
                    self.invalid = true;
                    return;
                }
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.invalid = true,
        }
    }

    fn is_valid(&self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

/// Images a browser may show inline. SVG is not among them: it can carry script.
pub fn is_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_tricks() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(sanitize_file_name("a\"b\u{0}c.txt"), "abc.txt");
        assert_eq!(sanitize_file_name("..."), "file");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name(".htaccess"), "htaccess");
    }

    #[test]
    fn content_types_come_from_the_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        assert_eq!(detect_content_type(&png), "image/png");
        assert!(is_inline("image/png"));
        assert_eq!(detect_content_type(b"GIF89a......"), "image/gif");
        assert_eq!(detect_content_type(b"hello"), "text/plain");
        assert_eq!(
            detect_content_type(b"<html><script>x</script></html>"),
            "text/plain"
        );
        assert_eq!(
            detect_content_type(
                b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            ),
            "text/plain"
        );
        assert_eq!(
            detect_content_type(&[0xff, 0xfe, 0x00, 0x81]),
            "application/octet-stream"
        );
        assert!(!is_inline("image/svg+xml"));
    }

    #[test]
    fn content_types_of_files_in_pieces_match_the_whole() {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(&[0xff; 100]);
        let samples: Vec<Vec<u8>> = vec![
            "Grüße, 😀 € ok".as_bytes().to_vec(),
            "a€".as_bytes()[..3].to_vec(), // cut inside the last character
            vec![b'a', 0xE2, 0x28, 0xA1, b'b'], // a bad continuation byte
            vec![0xF0, 0x9F, 0x98, 0x80, 0xFF], // an emoji, then a byte that is never UTF-8
            vec![0xC0, 0x80],              // overlong
            png,
            b"<svg/>".to_vec(),
            Vec::new(),
        ];
        for bytes in &samples {
            let whole = detect_content_type(bytes);
            if infer::get(bytes).is_none() {
                assert_eq!(
                    whole == "text/plain",
                    std::str::from_utf8(bytes).is_ok(),
                    "{bytes:?}"
                );
            }
            // Every cut in two, and one byte at a time.
            for cut in 0..=bytes.len() {
                let mut s = Sniffer::default();
                s.push(&bytes[..cut]);
                s.push(&bytes[cut..]);
                assert_eq!(s.content_type(), whole, "{bytes:?} cut at {cut}");
            }
            let mut s = Sniffer::default();
            for b in bytes {
                s.push(std::slice::from_ref(b));
            }
            assert_eq!(s.content_type(), whole, "{bytes:?} byte by byte");
        }
    }

    #[test]
    fn only_the_head_is_kept_for_the_signature() {
        let mut s = Sniffer::default();
        s.push(b"GIF89a");
        s.push(&vec![b'x'; 3 * SNIFF_BYTES]);
        assert_eq!(s.head.len(), SNIFF_BYTES);
        assert_eq!(s.content_type(), "image/gif");
        let mut s = Sniffer::default();
        s.push(&vec![b'x'; SNIFF_BYTES + 10]);
        s.push(&[0xFF]);
        assert_eq!(
            s.content_type(),
            "application/octet-stream",
            "a bad byte past the head still counts"
        );
    }
}
