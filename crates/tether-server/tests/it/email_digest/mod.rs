//! The e-mail digest of what a person missed (issue 19, part 5), against a real SMTP server process.
