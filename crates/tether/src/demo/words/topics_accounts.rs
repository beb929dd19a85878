//! The topics of accounts and orders: billing, sign-in, shipping, data export, SSO.

use super::Topic;

pub const BILLING: Topic = Topic {
    key: "billing",
    label: "Billing and invoices",
    team: 2,
    weight: 12,
    products: &[
        "Business plan (annual)", "Professional plan (monthly)", "Enterprise agreement",
        "Extra storage add-on", "Support Plus subscription", "Starter plan",
    ],
    errors: &[
        "a duplicate charge", "VAT charged twice", "a missing credit note",
        "the wrong currency (USD instead of SEK)", "an unexpected pro-rata charge",
        "a declined card payment (code 05, do not honour)",
    ],
    symptoms: &[
        "was charged twice this month", "received an invoice with the wrong VAT number",
        "cannot download the invoice PDF", "was billed for seats that were removed",
        "got a payment reminder although the invoice is paid",
        "sees the wrong billing address on invoices",
    ],
    envs: &[
        "the billing portal", "invoice e-mails", "their ERP system (SAP)",
        "the card on file", "bank transfer", "the reseller portal",
    ],
    titles: &[
        "Invoice {invoice} shows {error}",
        "Customer {symptom}",
        "Refund request: {error} on {product}",
        "{product}: customer {symptom}",
        "{error} on invoice {invoice}",
        "Billing for {product}: {error}",
    ],
    openers: &[
        "invoice {invoice} for {product} shows {error}",
        "{contact} from finance reports that the company {symptom}",
        "our accounts payable team found {error} on invoice {invoice}",
        "after changing to {product} the customer {symptom}",
    ],
    details: &[
        "The purchase order number {po} must appear on every invoice",
        "They pay by {env} and need the correction before the month-end close",
        "The seat count was reduced by {n} seats last month",
        "The customer is VAT registered in Sweden and should be reverse-charged",
        "The payment was made {when} with reference {invoice}",
    ],
    tried: &[
        "checked the billing portal", "compared the invoice with the contract",
        "asked their bank for the transfer receipt", "updated the VAT number in the portal",
    ],
    asks: &[
        "a bank statement showing the payment",
        "the purchase order for {product}",
        "the correct billing address and VAT number",
        "confirmation of which seats were removed",
    ],
    findings: &[
        "The payment was matched to the wrong customer account",
        "The renewal job created the pro-rata charge twice",
        "The VAT number was stored without its country prefix",
        "The downgrade was booked after the invoice run",
        "The card issuer blocked the charge as suspected fraud",
    ],
    fixes: &[
        "Matched the payment to the right account and stopped the reminders.",
        "Issued a credit note for the duplicate charge and refunded it to the card on file.",
        "Re-issued invoice {invoice} with the correct VAT number and PO reference {po}.",
        "Credited the removed seats pro rata from the date of the change.",
        "The customer updated the card and the renewal payment went through.",
    ],
    articles: &[
        "Requesting a credit note or refund", "How pro-rata charges are calculated",
        "Adding a PO number and VAT number to invoices",
        "Why did I get a payment reminder?",
        "Changing the billing currency of {product}",
    ],
    keywords: "invoice, billing, refund, credit note, vat, payment, subscription",
};

pub const LOGIN: Topic = Topic {
    key: "login",
    label: "Passwords and sign-in",
    team: 1,
    weight: 14,
    products: &[
        "the web portal", "the desktop app", "the customer portal", "the admin console",
        "the iOS app", "the Android app",
    ],
    errors: &[
        "\"Invalid username or password\"", "\"Account locked after 5 failed attempts\"",
        "\"MFA code expired\"", "error AUTH-401", "\"Your password has expired\"",
        "a redirect loop at /login",
    ],
    symptoms: &[
        "cannot sign in", "never receives the password reset e-mail",
        "is locked out after changing the password",
        "gets a new MFA prompt at every sign-in", "is signed out every few minutes",
        "lost the phone with the authenticator app",
    ],
    envs: &[
        "Chrome 124", "Safari on iPhone", "Edge on Windows 11", "Firefox 125",
        "a shared kiosk PC", "the company proxy",
    ],
    titles: &[
        "User {symptom} ({product})",
        "{error} when signing in to {product}",
        "{product}: user {symptom}",
        "Sign-in fails on {env} with {error}",
        "User in {site} {symptom}",
        "Account help needed: user {symptom}",
    ],
    openers: &[
        "{contact} {symptom}; {product} shows {error}",
        "one of our users {symptom} and {product} says {error}",
        "when signing in to {product} from {env} we get {error}",
        "{contact} {symptom}. The last successful sign-in was {when}",
    ],
    details: &[
        "The account is synced from Active Directory every 30 minutes",
        "Clearing cookies in {env} did not help",
        "The user changed the password {when} because it had expired",
        "Other users in the same office can sign in normally",
        "The device clock was checked and is correct",
    ],
    tried: &[
        "reset the password twice", "cleared the browser cache", "tried a private window",
        "re-registered the authenticator app",
        "checked the spam folder for the reset e-mail",
    ],
    asks: &[
        "the exact time of the last failed attempt",
        "a screenshot of the error in {env}",
        "confirmation that the user's e-mail address is correct",
        "the user's time zone and device clock",
    ],
    findings: &[
        "An old mobile mail client kept trying the previous password and locked the account",
        "The reset e-mails were quarantined by the customer's mail filter",
        "The authenticator app's clock has drifted by three minutes",
        "A stale session cookie caused the redirect loop",
        "The directory sync had not picked up the new password yet",
    ],
    fixes: &[
        "Unlocked the account and removed the old device with the saved password.",
        "The customer allowed our sender address; the reset e-mail arrived.",
        "Reset MFA and re-enrolled the authenticator app together with the user.",
        "Cleared the user's sessions; sign-in works in {env}.",
        "Triggered a manual directory sync; the new password works.",
    ],
    articles: &[
        "Resetting a forgotten password",
        "Unlocking a locked account in {product}",
        "Re-enrolling multi-factor authentication", "Fixing sign-in redirect loops",
        "Password reset e-mail not received: a checklist",
    ],
    keywords: "login, password, mfa, sign-in, locked account, reset",
};

pub const SHIPPING: Topic = Topic {
    key: "shipping",
    label: "Shipping and delivery",
    team: 0,
    weight: 10,
    products: &[
        "PostNord parcel", "DHL Express", "DB Schenker pallet", "UPS Standard",
        "Bring home delivery", "FedEx International Priority",
    ],
    errors: &[
        "\"Exception: address not found\"", "no tracking update for six days",
        "a customs hold (commercial invoice missing)",
        "\"Delivered\" although nothing arrived", "a rejected return label",
        "a damaged pallet on arrival",
    ],
    symptoms: &[
        "has not arrived", "arrived damaged", "was delivered to the wrong address",
        "is stuck in customs", "arrived with items missing", "was returned to the sender",
    ],
    envs: &[
        "the Jönköping warehouse", "the Rotterdam hub", "the Oslo terminal",
        "the Copenhagen depot", "the Arlanda air hub",
    ],
    titles: &[
        "Order {order} {symptom}",
        "{product} shipment {symptom}",
        "Tracking for order {order} shows {error}",
        "Delivery to {site} {symptom} ({product})",
        "Order {order}: {error}",
        "Shipment from {env} {symptom}",
    ],
    openers: &[
        "order {order}, sent with {product}, {symptom}; tracking shows {error}",
        "{contact} is waiting for order {order}, which {symptom}",
        "the shipment from {env} {symptom}",
        "our {site} office received a {product} delivery that {symptom}",
    ],
    details: &[
        "The goods are needed for an installation {when}",
        "The delivery address was changed after the order was placed",
        "The order has {n} items in two parcels",
        "The driver's note says nobody was there to sign",
        "It is the third late delivery to this address this month",
    ],
    tried: &[
        "checked the carrier's tracking page", "called the carrier's customer service",
        "confirmed the delivery address", "checked with reception and the mail room",
    ],
    asks: &[
        "photos of the damaged packaging", "the delivery note and packing list",
        "the correct delivery address and a phone number for the driver",
        "a list of the missing items",
    ],
    findings: &[
        "The parcel was scanned at {env} but missed the linehaul",
        "The address label had the old postcode",
        "The commercial invoice was not attached to the non-EU shipment",
        "Items were picked from the wrong bin in the warehouse",
        "The carrier delivered it to a parcel locker",
        "The pallet was damaged by a forklift at {env}",
    ],
    fixes: &[
        "The carrier found the parcel; it was delivered the next morning.",
        "Corrected the postcode; the carrier delivered the next day.",
        "Uploaded the commercial invoice; customs released the shipment.",
        "Sent the missing items by express at no charge.",
        "Sent {contact} the locker code; the parcel was collected.",
        "Filed a damage claim with the carrier and shipped a new pallet.",
    ],
    articles: &[
        "Tracking a shipment and reading carrier statuses",
        "Reporting damaged or missing goods",
        "Customs documents for shipments outside the EU",
        "Changing a delivery address after ordering",
        "Returning goods sent with {product}",
    ],
    keywords: "shipping, delivery, parcel, tracking, customs, return, carrier",
};

pub const EXPORT: Topic = Topic {
    key: "export",
    label: "Data export and reports",
    team: 4,
    weight: 7,
    products: &[
        "the CSV export", "the Excel report builder", "the /exports API",
        "the scheduled report", "the Power BI connector", "the GDPR data export",
    ],
    errors: &[
        "HTTP 504 Gateway Timeout", "\"Export failed: too many rows\"",
        "an empty file (0 bytes)", "garbled characters (Ã¥ instead of å)", "error EXP-1042",
        "dates shifted by one day",
    ],
    symptoms: &[
        "times out for large date ranges", "produces an empty file",
        "shows garbled Nordic characters", "leaves out the custom fields",
        "never arrives by e-mail", "contains duplicated rows",
    ],
    envs: &[
        "Excel for Mac", "Excel 365 on Windows", "Power BI Desktop", "a Python script",
        "Google Sheets", "the data warehouse loader",
    ],
    titles: &[
        "{product} {symptom}",
        "Export fails with {error}",
        "{product} returns {error}",
        "Export opened in {env} {symptom}",
        "{product} {symptom} since {since}",
        "Audit export: {product} {symptom}",
    ],
    openers: &[
        "when we run {product} for the last {n} months it {symptom}",
        "{product} {symptom}, and opening the file in {env} shows {error}",
        "{contact} needs the quarterly numbers but {product} {symptom}",
        "since {since} {product} returns {error}",
    ],
    details: &[
        "The export covers about {count} rows",
        "Our auditors need the file in UTF-8 with semicolons as separators",
        "Custom fields were added to the case form last month",
        "The report is scheduled for 06:00 every Monday",
        "The same export works for smaller date ranges",
    ],
    tried: &[
        "split the date range into smaller parts", "opened the file in another program",
        "recreated the scheduled report", "exported from a different browser",
    ],
    asks: &[
        "the export settings (date range, filters, format)", "a sample of the broken file",
        "the request ID from the API response",
        "the time zone of the user who runs the export",
    ],
    findings: &[
        "The export query runs past the 60-second gateway timeout above 500 000 rows",
        "The file is UTF-8 without BOM, so {env} reads it as Windows-1252",
        "Custom fields are only exported when selected in the column picker",
        "The scheduled report ran as a deactivated user",
        "Dates are exported in UTC and shown in local time",
    ],
    fixes: &[
        "Moved the customer to the asynchronous export; the file arrives by e-mail.",
        "Turned on \"UTF-8 with BOM\" in the export settings; characters are correct in {env}.",
        "Added the custom fields in the column picker and re-ran the export.",
        "Gave the scheduled report an active owner; it was delivered this Monday.",
        "Set the export time zone to Europe/Stockholm.",
    ],
    articles: &[
        "Exporting large data sets",
        "Opening CSV exports with Nordic characters in {env}",
        "Scheduling reports", "Using the exports API",
        "Requesting a full data export (GDPR)",
    ],
    keywords: "export, csv, excel, report, api, utf-8, data",
};

pub const SSO: Topic = Topic {
    key: "sso",
    label: "SSO and SAML",
    team: 4,
    weight: 7,
    products: &[
        "Entra ID (Azure AD) SAML", "Okta SAML", "Google Workspace SSO", "ADFS 2019",
        "OneLogin", "SCIM provisioning",
    ],
    errors: &[
        "AADSTS50011 (reply URL mismatch)", "\"SAML response signature invalid\"",
        "\"User not assigned to application\"", "\"Clock skew too large\"",
        "SCIM 409 Conflict", "\"InResponseTo does not match\"",
    ],
    symptoms: &[
        "fails for all users after the certificate rollover",
        "works for some users but not others", "creates duplicate accounts",
        "does not update group memberships", "loops back to the identity provider",
        "fails only for guest users",
    ],
    envs: &[
        "the production tenant", "the sandbox tenant",
        "users of the {site} subsidiary",
        "new employees", "contractors with guest accounts",
    ],
    titles: &[
        "SSO {symptom}",
        "{product}: {error}",
        "SSO via {product} {symptom}",
        "{product} for {env}: {error}",
        "SSO {symptom} since {since}",
        "SAML sign-in fails with {error}",
    ],
    openers: &[
        "single sign-on with {product} {symptom}; the error is {error}",
        "since {since} SSO through {product} {symptom}",
        "{contact} is rolling out {product} to {env} and gets {error}",
        "we are moving to {product} and SSO {symptom}",
    ],
    details: &[
        "The signing certificate in the identity provider was rolled over {when}",
        "The NameID format is set to e-mail address",
        "Users are assigned to the application through a security group",
        "The customer wants SSO enforced for all {n}0 users before their audit",
        "Just-in-time provisioning is on alongside SCIM",
    ],
    tried: &[
        "uploaded the new metadata XML", "removed and re-added the user assignment",
        "compared the reply URLs", "tested with a new browser profile",
    ],
    asks: &[
        "the SAML response captured with a browser extension",
        "the federation metadata XML",
        "the NameID and attributes sent for one affected user", "the SCIM provisioning log",
    ],
    findings: &[
        "We still had the identity provider's old signing certificate",
        "The reply URL lacks the /saml/acs path",
        "The NameID changed from e-mail to UPN for some users",
        "The identity provider's clock is six minutes fast",
        "SCIM and just-in-time provisioning both created the user",
    ],
    fixes: &[
        "Uploaded the new IdP certificate; SSO works for all users.",
        "Corrected the reply URL in {product}.",
        "Switched the NameID back to e-mail and merged the duplicate accounts.",
        "The customer fixed NTP on the IdP; the clock-skew errors are gone.",
        "Turned off just-in-time provisioning; SCIM is now the only source.",
    ],
    articles: &[
        "Configuring SAML SSO with {product}",
        "Rolling over the SAML signing certificate", "SCIM provisioning: common errors",
        "Decoding a SAML response", "Enforcing SSO for all users",
    ],
    keywords: "sso, saml, scim, identity provider, certificate, entra id, okta",
};
