"""Actions on agreements, by sub-domain: drafting, ceremony, signatories, signing, sealing."""
