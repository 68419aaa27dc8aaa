"""Actions on events, one module per sub-domain: `setup`, `registrations`, `delegations`,
`meeting_requests`, `meetings`. Import from the sub-module; nothing is re-exported here."""
