"""Accounts: sign-up (``sign_up``), invitations (``invitations``), sign-in, tokens and the signed-in
user's own account (``sign_in``), the user rows they share (``users``), companies and their names,
email ownership, password policy and reset."""
