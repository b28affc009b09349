// The tenant's logo (issue #7): the config store's repository for the one image a tenant may upload,
// merged into TenantRepositories so a use-case reaches it through `configStore.inTenant(…)`.

import type { LogoMediaType } from '@plantwatch/shared';

export type { LogoMediaType };

export interface StoredTenantLogo {
  mediaType: LogoMediaType;
  data: Buffer;
  updatedAt: Date;
}

export interface LogoRepositories {
  tenantLogo: {
    /** null when the tenant has no logo. */
    get(): Promise<StoredTenantLogo | null>;
    /** Replaces the tenant's logo (creates it the first time). */
    put(logo: StoredTenantLogo): Promise<void>;
    /** false when there was none. */
    remove(): Promise<boolean>;
  };
}
