"""The guides and the engine that runs them, with no Rasa in sight.

A guide is a set of questions asked one at a time (the eligibility check, the ways to manage the
money, the outcomes coach, leaving details for the team, asking how it went). The engine
(`engine.py`) takes a `Turn` (the latest message as the NLU read it, the conversation's slots and
where the form is) and returns a `Decision` (what to say, which slots to set, what to run next).
`actions/guide_form.py` only turns a Rasa tracker into a Turn and a Decision into Rasa events.

To add a guide: a subpackage here with its `Guide` (see `guide.py` for what each part does), its
rules and wording in bot/ and content/, and one line in `registry.py`.
"""
