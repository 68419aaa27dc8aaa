"""The agreement as a document: canonical text and hashes, the PDF, its seal, verification."""
