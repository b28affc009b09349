export { provisioningBundle as POST } from '../../../../../server/provisioning-bundle.ts';
