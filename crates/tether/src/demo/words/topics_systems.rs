//! The topics of systems and devices: printers, VPN and network, e-mail delivery, the mobile
//! app, performance.

use super::Topic;

pub const PRINTERS: Topic = Topic {
    key: "printers",
    label: "Printers and scanning",
    team: 0,
    weight: 12,
    products: &[
        "LaserJet Pro M404", "Brother HL-L8360", "Canon imageRUNNER C3226",
        "Xerox VersaLink C405", "Kyocera ECOSYS M3655", "Ricoh IM C3000",
    ],
    errors: &[
        "error 50.4", "code E-302 (fuser)", "\"Paper jam in tray 2\"", "error 49.38",
        "\"Driver unavailable\"", "SC542 fuser temperature error",
        "\"Toner low\" although the cartridge is new",
    ],
    symptoms: &[
        "prints blank pages", "jams on every second sheet",
        "leaves grey streaks down the page", "is shown as offline",
        "prints garbled characters", "stops after the first page",
        "sends scan-to-email messages that never arrive",
    ],
    envs: &[
        "Windows 11 23H2", "Windows 10 22H2", "macOS Sonoma", "the Citrix session hosts",
        "the print server PRN-01",
    ],
    titles: &[
        "{product} {symptom}",
        "{product} shows {error}",
        "Printer in the {site} office {symptom}",
        "{product} {symptom} when printing from {env}",
        "Print jobs fail with {error} on {product}",
        "{product} {symptom} since {since}",
        "Print queue stuck on {product}: {error}",
    ],
    openers: &[
        "our {product} on the second floor {symptom} and the display shows {error}",
        "since {since} the {product} in {site} {symptom}; users on {env} are affected",
        "{contact} reports that the {product} {symptom}. The control panel says {error}",
        "print jobs to the {product} sit in the queue and then fail with {error}",
    ],
    details: &[
        "It started after the printer driver was updated on {env}",
        "The printer has been power-cycled twice and the tray rollers look clean",
        "The device gets its IP address from DHCP and answers ping from the print server",
        "Only colour jobs fail, black-and-white pages come out fine",
        "The page counter is at {count} pages and the maintenance kit has never been replaced",
    ],
    tried: &[
        "reinstalled the printer driver", "cleared the print spooler",
        "replaced the toner cartridge", "removed the printer and added it again",
        "run the built-in cleaning cycle",
    ],
    asks: &[
        "a configuration page printed from the {product}",
        "the exact driver version on {env}",
        "a photo of the error on the display",
        "the spooler event log from the print server",
    ],
    findings: &[
        "Firmware on the {product} is two releases behind",
        "The PCL6 driver conflicts with the universal print driver on {env}",
        "The fuser unit is worn out after {count} pages",
        "Tray 2 is configured for Letter instead of A4",
        "The printer shares its IP address with another device",
    ],
    fixes: &[
        "Updated the {product} firmware and reinstalled the PCL6 driver; test pages print correctly.",
        "Rolled back to the previous driver package on {env} and pushed it by group policy.",
        "Replaced the fuser unit; no jams in 200 test pages.",
        "Set tray 2 to A4 and cleared the stuck jobs from the spooler.",
        "Gave the printer a DHCP reservation; it stays online now.",
    ],
    articles: &[
        "Clearing paper jams on the {product}",
        "Fixing print jobs stuck in the Windows spooler",
        "Printer shows offline: a checklist", "Updating printer firmware safely",
        "Scan to email: SMTP settings for multifunction printers",
    ],
    keywords: "printer, print queue, spooler, paper jam, toner, driver, scan",
};

pub const NETWORK: Topic = Topic {
    key: "network",
    label: "VPN and network",
    team: 3,
    weight: 12,
    products: &[
        "GlobalProtect 6.1", "Cisco AnyConnect 4.10", "FortiClient VPN 7.2",
        "the WireGuard tunnel", "OpenVPN Connect 3.4", "the Meraki MX site-to-site VPN",
    ],
    errors: &[
        "\"Gateway unreachable\"", "error 809", "\"TLS handshake failed\"",
        "\"Authentication timeout\" (code 412)", "DNS_PROBE_FINISHED_NXDOMAIN",
        "\"Certificate validation failure\"",
    ],
    symptoms: &[
        "disconnects every 10 to 15 minutes", "connects but internal sites do not resolve",
        "is extremely slow with packet loss", "fails to connect from home networks",
        "drops when switching Wi-Fi access points",
        "cannot reach the file share after connecting",
    ],
    envs: &[
        "Windows 11 laptops", "MacBooks on macOS Sonoma", "the guest Wi-Fi",
        "home fibre connections", "4G hotspots", "the branch office LAN",
    ],
    titles: &[
        "{product} {symptom}",
        "VPN fails with {error}",
        "VPN {symptom} for users on {env}",
        "{product}: {error} since {since}",
        "Remote staff in {site}: VPN {symptom}",
        "{product} {symptom} ({env})",
    ],
    openers: &[
        "users connecting with {product} from {env} get {error}",
        "since {since} our {product} {symptom}",
        "{contact} says the VPN {symptom}; about {n} remote workers are affected",
        "the tunnel to our {site} office {symptom} and the log shows {error}",
    ],
    details: &[
        "Split tunnelling is on and the internal DNS servers are pushed by the gateway",
        "The gateway certificate was renewed {when}",
        "MTU is set to 1400 on the client adapters",
        "It is worse during the morning peak between 8 and 10",
        "Traceroute shows packet loss after the ISP edge router",
    ],
    tried: &[
        "restarted the VPN client", "reinstalled the client", "flushed the DNS cache",
        "switched to a wired connection", "tried a different gateway",
    ],
    asks: &[
        "the client log from {product} with debug logging on",
        "a traceroute to the gateway from {env}",
        "the output of ipconfig /all while connected",
        "the gateway's system log around the disconnects",
    ],
    findings: &[
        "The intermediate certificate is missing from the gateway's chain",
        "An MTU of 1500 causes fragmentation over PPPoE links",
        "The firewall's idle timeout is shorter than the keep-alive interval",
        "The DNS suffix search list is not pushed to macOS clients",
        "IKE rekeying fails because the lifetimes on both ends differ",
    ],
    fixes: &[
        "Installed the full certificate chain on the gateway; clients connect without warnings.",
        "Lowered the MTU to 1380 and enabled MSS clamping; no more drops.",
        "Raised the firewall idle timeout to 3600 s to match the keep-alive.",
        "Pushed the DNS suffix list to all clients; internal names resolve.",
        "Aligned the phase-2 lifetimes on both ends of the tunnel; stable for 48 hours.",
    ],
    articles: &[
        "Troubleshooting {product} disconnects",
        "VPN connects but internal names do not resolve",
        "Choosing the right MTU for VPN tunnels",
        "Renewing VPN gateway certificates without downtime", "Collecting VPN client logs",
    ],
    keywords: "vpn, network, dns, tunnel, mtu, certificate, remote access",
};

pub const EMAIL: Topic = Topic {
    key: "email",
    label: "E-mail delivery",
    team: 3,
    weight: 9,
    products: &[
        "Exchange Online", "Google Workspace Gmail", "the outbound SMTP relay",
        "the notification service", "the newsletter module", "the case e-mail channel",
    ],
    errors: &[
        "550 5.7.1 message rejected", "421 4.7.0 try again later", "DMARC fail (p=reject)",
        "SPF softfail", "554 5.7.9 message blocked", "a \"mailbox full\" bounce",
    ],
    symptoms: &[
        "lands in recipients' spam folders", "is delayed by several hours",
        "bounces for every recipient at one domain", "never reaches external recipients",
        "arrives without its attachments", "is delivered twice",
    ],
    envs: &[
        "outlook.com recipients", "gmail.com recipients", "the customer's own domain",
        "shared mailboxes", "distribution lists", "mobile mail clients",
    ],
    titles: &[
        "Outgoing e-mail {symptom}",
        "Mail to {env} rejected with {error}",
        "{product}: outgoing mail {symptom}",
        "Bounces with {error} since {since}",
        "Outgoing mail {symptom} ({env})",
        "Mail from {product} {symptom} since {since}",
    ],
    openers: &[
        "mail sent through {product} {symptom}",
        "since {since} our messages to {env} bounce with {error}",
        "{contact} says our replies never arrive; the bounce says {error}",
        "mail from {product} {symptom} for about {n} recipients a day",
    ],
    details: &[
        "The SPF record was changed {when} when the marketing tool was added",
        "DKIM signing is on for the main domain but not for the notifications subdomain",
        "The message trace shows the mail leaving our tenant on time",
        "Only messages with PDF attachments seem to be affected",
        "The sending IP address is on one public blocklist",
    ],
    tried: &[
        "resent the messages", "checked the message trace",
        "added the domain to the safe senders list",
        "validated the SPF record with an online checker",
    ],
    asks: &[
        "the full headers of a rejected message", "the bounce message with its SMTP code",
        "the current SPF, DKIM and DMARC records",
        "a message trace for one affected recipient",
    ],
    findings: &[
        "The SPF record needs more than 10 DNS lookups",
        "The DKIM key for the subdomain was never published",
        "The relay IP was blocklisted after a compromised account sent spam",
        "A transport rule strips attachments larger than 10 MB",
        "The retry queue was paused after a certificate change",
    ],
    fixes: &[
        "Flattened the SPF record below 10 lookups; DMARC passes.",
        "Published the DKIM key for the subdomain and turned signing on.",
        "Requested delisting and rotated the relay IP; delivery is back to normal.",
        "Raised the attachment limit in the transport rule to 25 MB.",
        "Resumed the retry queue; the backlog was delivered within an hour.",
    ],
    articles: &[
        "Setting up SPF, DKIM and DMARC", "Reading an SMTP bounce message",
        "Why e-mails land in spam",
        "Tracing a message in {product}",
        "Getting removed from an e-mail blocklist",
    ],
    keywords: "email, smtp, spf, dkim, dmarc, bounce, spam, delivery",
};

pub const MOBILE: Topic = Topic {
    key: "mobile",
    label: "Mobile app crashes",
    team: 1,
    weight: 9,
    products: &[
        "the field service app 5.2.1", "the mobile app 5.2.0", "the inspection app 3.4",
        "the scanner app 2.8", "the mobile app 5.3 beta",
    ],
    errors: &[
        "EXC_BAD_ACCESS in the crash log", "java.lang.NullPointerException in SyncWorker",
        "an \"App not responding\" dialog", "SIGABRT on launch",
        "OutOfMemoryError when opening attachments",
    ],
    symptoms: &[
        "crashes on launch", "closes when opening a photo attachment",
        "freezes on the sync screen", "crashes after the latest update",
        "crashes when scanning a barcode", "loses offline data after a crash",
    ],
    envs: &[
        "iPhone 13 on iOS 17.4", "Samsung Galaxy S22 on Android 14",
        "Pixel 7 on Android 14", "iPad Air on iPadOS 17", "Zebra TC52 on Android 11",
        "iPhone SE on iOS 16.7",
    ],
    titles: &[
        "Mobile app {symptom} on {env}",
        "{product} {symptom}",
        "App crash on {env}: {error}",
        "{product} {symptom} for field technicians",
        "Crash report: {error} in {product}",
        "App {symptom} since {since}",
    ],
    openers: &[
        "{product} {symptom} on {env}",
        "since updating to {product}, the app {symptom}; the crash report shows {error}",
        "{contact} reports that the app {symptom} for {n} field technicians",
        "on {env} the app {symptom}. We captured {error}",
    ],
    details: &[
        "Reinstalling fixes it for a day, then it starts again",
        "The devices are managed by Intune and the app is pushed through the company portal",
        "It happens with large offline data sets (more than {n}00 records)",
        "It only happens when the device language is Swedish or Norwegian",
        "Battery saver is on for most of the affected devices",
    ],
    tried: &[
        "reinstalled the app", "cleared the app cache", "restarted the devices",
        "rolled one device back to the previous version",
    ],
    asks: &[
        "a crash log exported from {env}",
        "the app and OS version of each affected device", "a screen recording of the crash",
        "the device management profile",
    ],
    findings: &[
        "A date formatter crashes for locales with a comma as decimal separator",
        "Thumbnails of HEIC photos exhaust the app's memory",
        "The sync worker dereferences a deleted record",
        "The MDM profile blocks the camera permission",
        "The offline database migration fails when storage is almost full",
    ],
    fixes: &[
        "Released hotfix 5.2.2 with the locale fix; the customer confirmed it.",
        "Thumbnails are now downscaled before decoding; no more crashes.",
        "Cleared the corrupt offline record and shipped the sync fix in 5.2.3.",
        "The customer updated the MDM profile to allow camera access.",
        "Freed storage and re-ran the offline migration; data restored from the server.",
    ],
    articles: &[
        "Collecting crash logs on iOS and Android",
        "The app crashes on launch: first steps", "Offline data and sync conflicts",
        "Managing the app with Intune",
        "Known issues in {product}",
    ],
    keywords: "mobile, app, crash, ios, android, sync, offline",
};

pub const PERFORMANCE: Topic = Topic {
    key: "performance",
    label: "Performance and slowness",
    team: 3,
    weight: 8,
    products: &[
        "the web app", "the case list view", "the dashboard", "the search",
        "the reporting module", "the public API",
    ],
    errors: &[
        "page loads of 20 to 30 seconds", "HTTP 503 Service Unavailable",
        "\"Request timed out\"", "p95 API latency above 4 s",
        "a loading spinner that never finishes", "HTTP 429 Too Many Requests",
    ],
    symptoms: &[
        "is very slow every morning", "times out when filtering by date",
        "gets slower the more tabs are open", "hangs when loading attachments",
        "is slow only for the {site} office",
        "became slow after the last release",
    ],
    envs: &[
        "Chrome on Windows 11", "Citrix sessions", "the office Wi-Fi",
        "a 100 Mbit branch link", "Edge with many extensions", "thin clients",
    ],
    titles: &[
        "{product} {symptom}",
        "Slow performance: {error}",
        "{product}: {error}",
        "{product} {symptom} ({env})",
        "Performance: {product} {symptom}",
        "{error} in {product} since {since}",
    ],
    openers: &[
        "{product} {symptom}; users see {error}",
        "since {since} {product} {symptom}",
        "{contact} reports {error} in {product} for about {n} agents",
        "our agents on {env} get {error} when using {product}",
    ],
    details: &[
        "The slowness peaks between 08:30 and 10:00",
        "Their account has more than {count} cases",
        "A browser performance profile shows long scripting time on the list page",
        "Their integration polls the API every few seconds",
        "Other customers in the same region are not affected",
    ],
    tried: &[
        "cleared the browser cache", "disabled browser extensions",
        "tested from a different network", "reduced the number of columns in the view",
    ],
    asks: &[
        "a HAR file of a slow page load", "the request IDs of slow API calls",
        "the time window when it was slow",
        "the result of our network speed test from {env}",
    ],
    findings: &[
        "A missing index on the case list filter causes full table scans",
        "The customer's integration exceeds the API rate limit",
        "A proxy in the {site} office inspects every request",
        "A saved view sorts by an unindexed custom field",
        "A background export job competes with interactive load every morning",
    ],
    fixes: &[
        "Added the missing index; the list loads in under a second.",
        "The customer moved the integration to webhooks; no more 429s.",
        "Excluded our domain from proxy inspection; pages load normally.",
        "Indexed the custom field used for sorting.",
        "Rescheduled the export job to 02:00.",
    ],
    articles: &[
        "Improving page load times", "API rate limits and best practices",
        "Collecting a HAR file",
        "Network requirements for {product}",
        "Optimising saved views",
    ],
    keywords: "performance, slow, latency, timeout, api, rate limit, browser",
};
