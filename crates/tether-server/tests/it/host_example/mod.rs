//! The worked example (issue 19, part 6): examples/host on another origin, driving Tether in Chromium.
