"""sso and webhooks: (to be written)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 14:00:00
"""

from typing import Sequence, Union

revision: str = "0022"
down_revision: Union[str, Sequence[str], None] = "0021"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
