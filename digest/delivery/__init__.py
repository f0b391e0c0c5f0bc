"""The delivery stage: archived editions by mail, each recipient at most once.

Takes an edition record, its rendered files and the mail settings; gives MIME messages sent over
SMTP (`mail`) and a delivery record per edition and recipient in the store, kept so that a crash
never sends twice (`dispatch`).
"""
