"""Use cases: intake, triage, routing, casework, outbound replies.

Every service takes a :class:`~helplinekit.services.context.ServiceContext` (the database,
the plugins, the policy, the clock) and, for anything a person does, an
:class:`~helplinekit.security.policy.Actor`. Services never open sessions themselves: they
use units of work from the context's database.
"""
