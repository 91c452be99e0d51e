"""The one database that intake records and insight events share: its engines, its declarative
`Base` and its one migrations tree (database.py, migrations/), and the encryption of personal data at rest
(crypto.py) that the intake records and the stored conversations use. Tables live with their owners
(bot/intake/models.py, bot/insight/models.py); nothing here imports them but the migrations."""
