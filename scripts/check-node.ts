// Runs first in `npm test`: a plain message beats a cryptic libp2p crash when the
// project's own Node (node_modules/.bin/node, from the node-<platform> package) is missing.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Pairwise needs Node >= 22.12 but this is ${process.version}. Run \`npm install\` so that npm scripts use the Node in node_modules/.bin.`
  )
  process.exit(1)
}
