// People and paging by area (ADR 0042): the ports the users, alarms and escalation capabilities read
// an area from. An "area" is any asset with everything under it.

/** An asset as the area rules see it: where it hangs and the policy attached to it, if any. */
export interface AreaNode {
  id: string;
  siteId: string;
  parentId: string | null;
  name: string;
  escalationPolicyId: string | null;
}

/**
 * The assets an alarm belongs to: those whose measurements read the rule's tag and the one the rule was
 * made for (`direct`), with every ancestor of them in `nodes`.
 */
export interface AlarmAreas {
  direct: string[];
  nodes: AreaNode[];
}

export interface AreaRepositories {
  areas: {
    /** The user's areas, each with its site. */
    ofUser(userId: string): Promise<{ assetId: string; siteId: string }[]>;
    /** Every user's areas (asset ids), for the users list. */
    byUser(): Promise<Map<string, string[]>>;
    /** Replaces the user's areas. */
    setForUser(userId: string, assetIds: readonly string[]): Promise<void>;
    /** Which contact each user is paged as. */
    contactLinks(): Promise<{ userId: string; contactId: string }[]>;
    /** Links the user to a contact (null: none); a contact already linked to another user is a conflict. */
    setContact(userId: string, contactId: string | null): Promise<void>;
    /** The policies attached to assets, with the asset's site. */
    policies(): Promise<{ assetId: string; siteId: string; escalationPolicyId: string }[]>;
    /** Attaches a policy to an asset (null: detaches it). */
    setPolicy(assetId: string, escalationPolicyId: string | null): Promise<void>;
    /** The assets an alarm of this rule (on this tag) belongs to, with their ancestors. */
    ofAlarm(rule: { id: string; tagId: string | null }): Promise<AlarmAreas>;
    /** The assets whose attached policy is this one (what a policy delete names). */
    policyUsage(escalationPolicyId: string): Promise<{ id: string; name: string }[]>;
  };
}
