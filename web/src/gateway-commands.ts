// The commands that start a provisioned gateway, as the set-up wizard shows them: the same as
// edge-gateway/README.md (a test keeps them so), run in the folder holding the downloaded bundle.json.
const IMAGE = 'plantwatch/edge-gateway';
const VOLUME = 'plantwatch-gateway';

export const dockerCommands = [
  `docker run --rm -v ${VOLUME}:/data -v "$PWD/bundle.json:/bundle.json:ro" \\\n  ${IMAGE} provision --bundle /bundle.json --out /data`,
  `docker run -d --name ${VOLUME} --restart unless-stopped \\\n  -v ${VOLUME}:/data ${IMAGE}`,
].join('\n');
export const npxCommands = [
  `npx edge-gateway provision --bundle bundle.json --out ${VOLUME}`,
  `npx edge-gateway run --config ${VOLUME}/config.json`,
].join('\n');
