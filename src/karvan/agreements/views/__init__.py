"""Pages of the agreements app, by sub-domain: drafting, comments, signatories, signing, the
ceremony, documents and their public verification."""
