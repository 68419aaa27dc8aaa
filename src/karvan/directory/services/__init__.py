"""The directory's services by sub-domain: profiles, verification, members (no re-export:
import from the sub-module that owns the action)."""
