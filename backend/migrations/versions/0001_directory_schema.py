"""The directory's schema: organisations, users, children, involvements, shielding, audit.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 21:59:26.895970
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

from backend.migrations import sql_0001
from backend.migrations.script_runner import run_script

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    run_script(sql_0001.EXTENSIONS)
    run_script(sql_0001.VALIDATION_FUNCTIONS)
    op.create_table('audit_chain_head',
    sa.Column('chain', sa.SmallInteger(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('chain')
    )
    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('chain', sa.SmallInteger(), nullable=False),
    sa.Column('chain_seq', sa.BigInteger(), nullable=False),
    sa.Column('prev_hash', sa.LargeBinary(), nullable=False),
    sa.Column('hash', sa.LargeBinary(), nullable=False),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('actor_client_id', sa.Uuid(), nullable=True),
    sa.Column('actor_organisation_id', sa.Integer(), nullable=True),
    sa.Column('actor_roles', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('subject_child_id', sa.BigInteger(), nullable=True),
    sa.Column('subject_user_id', sa.Uuid(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('client_address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.PrimaryKeyConstraint('id', 'occurred_at'),
    postgresql_partition_by='RANGE (occurred_at)'
    )
    op.create_index('audit_event_action_idx', 'audit_event', ['action', 'occurred_at'], unique=False)
    op.create_index('audit_event_actor_idx', 'audit_event', ['actor_user_id', 'occurred_at'], unique=False)
    op.create_index('audit_event_chain_idx', 'audit_event', ['chain', 'chain_seq'], unique=False)
    op.create_index('audit_event_child_idx', 'audit_event', ['subject_child_id', 'occurred_at'], unique=False)
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('parent_authority_id', sa.Integer(), nullable=True),
    sa.Column('team_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('team_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('team_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'", name='organisation_code_format'),
    sa.CheckConstraint("kind <> 'LOCAL_AUTHORITY' OR code ~ '^E(06|07|08|09|10)[0-9]{6}$'", name='organisation_local_authority_ons_code'),
    sa.CheckConstraint("kind IN ('NATIONAL_TEAM', 'LOCAL_AUTHORITY', 'NATIONAL_PARTNER', 'SCHOOL', 'GP_PRACTICE', 'HEALTH_SERVICE', 'SOCIAL_CARE', 'YOUTH_OFFENDING', 'OTHER_SERVICE')", name='organisation_kind_known'),
    sa.ForeignKeyConstraint(['parent_authority_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index('organisation_parent_idx', 'organisation', ['parent_authority_id'], unique=False)
    op.create_table('service_type',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code'),
    sa.UniqueConstraint('code', 'sensitive', name='service_type_code_sensitive')
    )
    op.create_table('child',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('contact_point_id', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('given_names', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('family_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('other_names', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address_line1', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('address_line2', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('town', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('nhs_number', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('upn', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True),
    sa.Column('responsible_authority_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='ACTIVE', nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(status = 'ARCHIVED') = (archived_at IS NOT NULL)", name='child_archived_at_matches'),
    sa.CheckConstraint("date_of_birth > DATE '1990-01-01'", name='child_date_of_birth_plausible'),
    sa.CheckConstraint("gender IN ('FEMALE', 'MALE', 'OTHER', 'NOT_KNOWN')", name='child_gender_known'),
    sa.CheckConstraint("postcode IS NULL OR postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'", name='child_postcode_normalised'),
    sa.CheckConstraint("status IN ('ACTIVE', 'ARCHIVED')", name='child_status_known'),
    sa.CheckConstraint("upn IS NULL OR upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'", name='child_upn_format'),
    sa.CheckConstraint('cp_id_valid(contact_point_id)', name='child_contact_point_id_valid'),
    sa.CheckConstraint('nhs_number IS NULL OR nhs_number_valid(nhs_number)', name='child_nhs_number_valid'),
    sa.ForeignKeyConstraint(['responsible_authority_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_point_id')
    )
    op.create_index('child_date_of_birth_idx', 'child', ['date_of_birth'], unique=False)
    op.create_index('child_nhs_number_idx', 'child', ['nhs_number'], unique=True)
    op.create_index('child_responsible_authority_idx', 'child', ['responsible_authority_id'], unique=False)
    op.create_index('child_upn_idx', 'child', ['upn'], unique=True)
    op.create_table('user_account',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('job_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=True),
    sa.Column('vetted_until', sa.Date(), nullable=True),
    sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name='user_email_lower'),
    sa.CheckConstraint("status IN ('INVITED', 'ACTIVE', 'SUSPENDED')", name='user_status_known'),
    sa.CheckConstraint('failed_sign_ins >= 0', name='user_failed_sign_ins_non_negative'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_index('user_account_organisation_idx', 'user_account', ['organisation_id'], unique=False)
    op.create_table('api_client',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('fields', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('api_client_organisation_idx', 'api_client', ['organisation_id'], unique=False)
    op.create_table('caf_assessment',
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('holder_organisation_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('holder_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('holder_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status = 'STARTED' OR completed_on IS NOT NULL", name='caf_completed_has_date'),
    sa.CheckConstraint("status IN ('STARTED', 'COMPLETED', 'CLOSED')", name='caf_status_known'),
    sa.CheckConstraint('completed_on IS NULL OR completed_on >= started_on', name='caf_completed_after_start'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['holder_organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('child_id')
    )
    op.create_table('carer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('relationship', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('parental_responsibility', sa.Boolean(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('address_line1', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('address_line2', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('town', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.CheckConstraint("postcode IS NULL OR postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'", name='carer_postcode_normalised'),
    sa.CheckConstraint("relationship IN ('MOTHER', 'FATHER', 'STEP_PARENT', 'GRANDPARENT', 'AUNT_OR_UNCLE', 'SIBLING', 'FOSTER_CARER', 'SPECIAL_GUARDIAN', 'LOCAL_AUTHORITY', 'OTHER')", name='carer_relationship_known'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('carer_child_idx', 'carer', ['child_id'], unique=False)
    op.create_table('involvement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('service_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('practitioner_user_id', sa.Uuid(), nullable=True),
    sa.Column('practitioner_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('practitioner_role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('is_lead', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('consent_given_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('consent_given_on', sa.Date(), nullable=True),
    sa.Column('consent_recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('ended_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("consent_given_by IS NULL OR consent_given_by IN ('YOUNG_PERSON', 'PARENT_OR_CARER')", name='involvement_consent_giver_known'),
    sa.CheckConstraint('NOT is_lead OR end_date IS NULL', name='involvement_lead_is_active'),
    sa.CheckConstraint('NOT sensitive OR (consent_given_by IS NOT NULL AND consent_given_on IS NOT NULL AND consent_recorded_by IS NOT NULL)', name='involvement_sensitive_needs_consent'),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name='involvement_ends_after_start'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ended_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['practitioner_user_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['service_type', 'sensitive'], ['service_type.code', 'service_type.sensitive'], name='involvement_service_type_fk'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('involvement_child_idx', 'involvement', ['child_id'], unique=False)
    op.create_index('involvement_one_active_lead', 'involvement', ['child_id'], unique=True, postgresql_where=sa.text('is_lead AND end_date IS NULL'))
    op.create_index('involvement_one_active_per_practitioner', 'involvement', ['child_id', 'practitioner_user_id', 'service_type'], unique=True, postgresql_where=sa.text('end_date IS NULL AND practitioner_user_id IS NOT NULL'))
    op.create_index('involvement_practitioner_idx', 'involvement', ['practitioner_user_id'], unique=False)
    op.create_table('notification',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('recipient_user_id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('notification_recipient_idx', 'notification', ['recipient_user_id', 'created_at'], unique=False)
    op.create_index('notification_unread_idx', 'notification', ['recipient_user_id', 'created_at'], unique=False, postgresql_where=sa.text('read_at IS NULL'))
    op.create_table('provenance',
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("source IN ('SCHOOL_CENSUS', 'NHS_DEMOGRAPHICS', 'CHILD_BENEFIT', 'LOCAL_AUTHORITY', 'PRACTITIONER')", name='provenance_source_known'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('child_id', 'field')
    )
    op.create_table('shielding',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('shielded_by', sa.Uuid(), nullable=True),
    sa.Column('shielded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('unshielded_by', sa.Uuid(), nullable=True),
    sa.Column('unshielded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unshield_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.CheckConstraint("reason <> 'OTHER' OR length(trim(coalesce(note, ''))) > 0", name='shielding_other_needs_note'),
    sa.CheckConstraint("reason IN ('DOMESTIC_VIOLENCE', 'WITNESS_PROTECTION', 'ADOPTION', 'OTHER')", name='shielding_reason_known'),
    sa.CheckConstraint('(unshielded_at IS NULL) = (unshielded_by IS NULL)', name='shielding_unshield_complete'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shielded_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unshielded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('shielding_one_active', 'shielding', ['child_id'], unique=True, postgresql_where=sa.text('unshielded_at IS NULL'))
    op.create_index('shielding_review_idx', 'shielding', ['review_date'], unique=False, postgresql_where=sa.text('unshielded_at IS NULL'))
    op.create_table('source_record',
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('source_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('child_id', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("source IN ('SCHOOL_CENSUS', 'NHS_DEMOGRAPHICS', 'CHILD_BENEFIT', 'LOCAL_AUTHORITY', 'PRACTITIONER')", name='source_record_source_known'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source', 'source_key')
    )
    op.create_index('source_record_child_idx', 'source_record', ['child_id'], unique=False)
    op.create_table('user_role',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('granted_by', sa.Uuid(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('PRACTITIONER', 'MANAGER', 'ADMINISTRATOR', 'AUDITOR')", name='user_role_known'),
    sa.ForeignKeyConstraint(['granted_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role')
    )
    op.create_table('user_session',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('user_session_user_idx', 'user_session', ['user_id'], unique=False)
    run_script(sql_0001.AUDIT)
    run_script(sql_0001.audit_comments())
    run_script(sql_0001.APP_ROLE)
    run_script(sql_0001.service_types_insert())


def downgrade() -> None:
    # Undoing the first migration would destroy the append-only audit log.
    raise NotImplementedError("the first migration cannot be undone; drop the database instead")
