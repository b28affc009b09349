// Home layouts (issue #6): the config store's repository for each user's pins, merged into
// TenantRepositories so a use-case reaches it through `configStore.inTenant(tenantId, (repos) => …)`.
import type { HomePin, UserPreferences } from '@plantwatch/shared';

export interface StoredHomeLayout {
  userId: string;
  pins: HomePin[];
  updatedAt: Date;
}

/** The preferences as stored: what PUT saved, with when. */
export type StoredUserPreferences = Omit<UserPreferences, 'updatedAt'> & { updatedAt: Date };

export interface LayoutRepositories {
  homeLayouts: {
    /** null when the user never saved a layout. */
    get(userId: string): Promise<StoredHomeLayout | null>;
    /** Replaces the user's layout (creates it the first time). */
    put(userId: string, pins: HomePin[], at: Date): Promise<StoredHomeLayout>;
  };
  userPreferences: {
    /** null when the user never saved any. */
    get(userId: string): Promise<StoredUserPreferences | null>;
    /** Replaces the user's preferences whole (creates them the first time). */
    put(
      userId: string,
      preferences: Omit<StoredUserPreferences, 'updatedAt'>,
      at: Date,
    ): Promise<StoredUserPreferences>;
  };
}
