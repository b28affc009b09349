// npm install on a Node older than 24: one line instead of a warning per package (see .npmrc).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stdout.write(
    `Plantwatch runs on Node 24; this machine has ${process.version}, so every npm script fetches Node 24 into .tools/node24 once (scripts/node24).\n`,
  );
}
