//! A stand-in helpdesk (issue 19, part 6): placeholder, filled in by the example's author.
