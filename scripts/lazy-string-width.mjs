// string-width for the bundled CLI (scripts/build-cli.mjs), loaded on its first call. Loading
// string-width builds an Intl.Segmenter and Unicode-property regular expressions, some 30 ms,
// and yargs loads it (through cliui) for every command, though only help and usage text
// measure strings. esbuild bundles this require() of the ES module as a lazy initializer.
let width;

export default function stringWidth(string, options) {
  // Only ever run bundled: esbuild resolves this require() at build time (eslint cannot know).
  // eslint-disable-next-line @typescript-eslint/no-require-imports, no-undef
  width ??= require('string-width').default;
  return width(string, options);
}
