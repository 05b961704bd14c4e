/**
 * The tables of the sandbox's Supabase database: what the agent service writes and what the launch checklist's
 * database commands read (`SELECT COUNT(*) FROM agent_approvals WHERE status='pending'`, the newest approvals by
 * `created_at`).
 */

/** Tables in `public`, in creation order. */
export const SANDBOX_TABLES = ["agent_approvals"] as const;

/** Creates what is missing; safe to run on a database that has it all. */
export const SANDBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS public.agent_approvals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id bigint,
    conversation_id bigint,
    message_id bigint,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'escalated')),
    draft text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.agent_approvals ADD COLUMN IF NOT EXISTS account_id bigint;
CREATE INDEX IF NOT EXISTS agent_approvals_status_created_at ON public.agent_approvals (status, created_at DESC);
`;

/** Empties every table. */
export const SANDBOX_TRUNCATE = `TRUNCATE ${SANDBOX_TABLES.map((t) => `public.${t}`).join(", ")} RESTART IDENTITY`;
