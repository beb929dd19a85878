//! The records page, the finder and the record dialogs fit every width and pass axe.

use super::*;

/// Opens a dialog with the button `opener`, waits for `inside`, checks its layout and axe, and
/// closes it with Escape.
async fn check_dialog(
    b: &Browser,
    what: &str,
    (opener, inside): (&str, &str),
    size: (u32, u32),
    defects: &mut Vec<String>,
) {
    b.wait(opener).await.click().await;
    b.wait(&format!("dialog[open] {inside}")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    defects.extend(layout_defects(b, what, size).await);
    defects.extend(axe(b, &format!("{what} at {}", size.0), Some("dialog[open]")).await);
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return !document.querySelector('dialog[open]')",
        "the dialog to close",
    )
    .await;
}

/// The screens that make every record reachable (the records page, the finder, the new-record,
/// owner and share dialogs) fit every width and pass axe like the others.
#[tokio::test]
async fn records_page_finder_and_record_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    let mut defects = Vec::new();
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/records/case")).await;
        b.wait_text("#records-list", "VPN tunnel drops").await;
        defects.extend(layout_defects(&b, "records page", size).await);
        defects.extend(axe(&b, &format!("records page at {}", size.0), None).await);
        check_dialog(
            &b,
            "new record dialog",
            ("#new-record", "#new-record-form"),
            size,
            &mut defects,
        )
        .await;

        // The finder's results, as they show while typing (on a phone the top bar's search
        // button opens the finder).
        if size == PHONE {
            b.wait("#finder-open").await.click().await;
        }
        b.wait("#finder-input").await.click().await;
        b.wait("#finder-input").await.send_keys("VPN").await;
        b.wait_text(".finder-option", "VPN tunnel drops").await;
        defects.extend(layout_defects(&b, "finder results", size).await);
        defects.extend(axe(&b, &format!("finder results at {}", size.0), None).await);
        b.press(&[keys::ESCAPE]).await;

        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        exists(&b, "#change-owner").await;
        check_dialog(
            &b,
            "owner dialog",
            ("#change-owner", "#owner-options"),
            size,
            &mut defects,
        )
        .await;
        check_dialog(
            &b,
            "share dialog",
            ("#share-record", "#share-list"),
            size,
            &mut defects,
        )
        .await;
    }
    assert_none(&defects);
}
