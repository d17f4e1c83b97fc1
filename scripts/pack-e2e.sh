#!/usr/bin/env bash
# The package as a user gets it: npm pack, install the tarball into a temporary prefix, and
# from an unrelated folder use the command and the library. Run by .ci/run; runnable by hand
# (bash scripts/pack-e2e.sh). Needs the npm registry for the package's dependencies.
# Any failure stops the script with a message naming the step, and a non-zero exit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/iovsim-pack-e2e.XXXXXX")"
step="start"
started=$SECONDS
cleanup() {
  local code=$?
  if [ "$code" -ne 0 ]; then
    echo "pack-e2e: FAILED at step: $step (exit $code); files kept in $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
say() {
  step="$1"
  echo "pack-e2e: [$((SECONDS - started)) s] $1"
}
fail() {
  echo "pack-e2e: $1" >&2
  exit 1
}

say "npm pack (builds through prepack)"
cd "$repo"
version="$(node -p "require('./package.json').version")"
tarball="$tmp/$(npm pack --silent --pack-destination "$tmp" | tail -n 1)"
[ -f "$tarball" ] || fail "npm pack made no tarball"
listing="$(tar -tzf "$tarball")"
for f in package/bin/iovsim.js package/bin/load-cli.mjs package/dist/bundle/cli.cjs package/dist/cli/main.js package/dist/bundle/main.js package/dist/bundle/worker.js package/dist/index.js package/dist/index.d.ts \
  package/scenarios/quickstart.yaml package/scenarios/validation/mm1-rho0.5.yaml \
  package/scenario.schema.json package/README.md package/LICENSE package/CHANGELOG.md package/docs/scenarios.md; do
  grep -qx "$f" <<<"$listing" || fail "the tarball lacks $f"
done
grep -q '^package/dist/bundle/cli\.cjs\.[0-9a-f]*\.v8-.*\.cache$' <<<"$listing" || fail "the tarball lacks the CLI's code cache"
if grep -q '^package/src/\|^package/test/\|\.map$' <<<"$listing"; then
  fail "the tarball carries sources, tests or source maps"
fi

say "npm install -g --prefix into a temporary prefix"
prefix="$tmp/prefix"
npm install -g --prefix "$prefix" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
export PATH="$prefix/bin:$PATH"
[ "$(command -v iovsim)" = "$prefix/bin/iovsim" ] || fail "iovsim is not the installed one: $(command -v iovsim)"
installed="$prefix/lib/node_modules/iovsim"
# Installed by the Node that built it, the CLI starts from V8's code cache (bin/load-cli.mjs).
route="$(node --input-type=module -e "const m = await import('$installed/bin/load-cli.mjs'); console.log((await m.loadCli(['validate'])).route)")"
[ "$route" = "code cache" ] || fail "the installed CLI loads by '$route', not from its code cache"

# Everything below runs in a folder that has nothing to do with the repository.
work="$tmp/work"
mkdir -p "$work"
cd "$work"

say "iovsim --help and --version"
help="$(iovsim --help)"
grep -q 'examples' <<<"$help" || fail "--help does not list the examples command"
[ "$(iovsim --version)" = "$version" ] || fail "--version is not $version"

say "iovsim verify of two installed queueing-theory checks (M/M/1, M/M/1/K; all eight take minutes on a loaded machine)"
checks="$installed/scenarios/validation"
verified="$(iovsim verify "$checks/mm1-rho0.5.yaml" "$checks/mm1k10-load1.2.yaml" --quiet --out "$work/verify")"
[ "$(tail -n 1 <<<"$verified")" = "2 passed, 0 failed" ] || fail "verify did not pass: $verified"
[ -f "$work/verify/validation.csv" ] || fail "verify wrote no validation.csv"

say "iovsim studio serves the what-if page of the installed copy"
iovsim studio --port 0 >studio.txt 2>&1 &
studio=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' studio.txt | head -n 1 || true)"
  [ -n "$url" ] && break
  kill -0 "$studio" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { kill "$studio" 2>/dev/null; fail "studio printed no URL: $(cat studio.txt)"; }
fetched="$(node -e '
const get = async (p) => { const r = await fetch(process.argv[1] + p); return `${r.status} ${(await r.text()).length}`; };
Promise.all([get(""), get("studio.js"), get("%2e%2e/package.json")]).then((s) => console.log(s.join(", ")));
' "$url")" || { kill "$studio"; fail "could not fetch the studio page from $url"; }
kill "$studio"
wait "$studio" 2>/dev/null || true
# The page and its script are served (status 200, not empty); nothing outside the page's folder is.
[[ "$fetched" =~ ^200\ [1-9][0-9]*,\ 200\ [1-9][0-9]*,\ 404\  ]] || fail "studio served: $fetched"

say "iovsim examples and examples --copy"
list="$(iovsim examples)"
grep -q 'quickstart.yaml' <<<"$list" || fail "examples does not list quickstart.yaml"
iovsim examples --copy ex >/dev/null
for f in ex/quickstart.yaml ex/scenario.schema.json ex/published/r6-sriov-10-60vms.yaml ex/validation/mm1-rho0.5.yaml; do
  [ -f "$f" ] || fail "examples --copy did not copy $f"
done
set +e
again="$(iovsim examples --copy ex 2>&1)"
code=$?
set -e
[ "$code" -eq 2 ] || fail "a second examples --copy exited $code, not 2"
[ "$(wc -l <<<"$again")" -eq 1 ] || fail "a second examples --copy said more than one line: $again"

say "iovsim run of a copied scenario, with a short duration"
iovsim run ex/quickstart.yaml --duration "40 ms" --quiet >run.txt
grep -q '^quickstart: ' run.txt || fail "run printed no table"
[ "$(wc -l <results/quickstart.csv)" -eq 6 ] || fail "results/quickstart.csv does not have a header and 5 rows"
[ -f results/quickstart.per_vm.csv ] || fail "no results/quickstart.per_vm.csv"
piped="$(iovsim run - --no-write --format csv --duration "40 ms" --modes sriov <ex/quickstart.yaml)"
grep -q '^quickstart,sriov,' <<<"$piped" || fail "run - did not read the scenario from standard input"

say "import { simulate } from 'iovsim' in an ES module"
# The consumer sees the installed package as node_modules/iovsim, as npm link would show it.
mkdir -p consumer/node_modules
ln -s "$installed" consumer/node_modules/iovsim
cat >consumer/use.mjs <<'EOF'
import { simulate, validate, schema } from 'iovsim';
const r = await simulate({ duration: '20 ms', warmup: '2 ms', vms: { count: 2 }, paths: ['sriov', 'vmdq'] }, { seed: 3 });
if (r.rows.length !== 2 || r.rows[0].path !== 'sriov' || !(r.rows[0].delivered_gbps > 0))
  throw new Error(`unexpected rows: ${JSON.stringify(r.rows.map((x) => x.path))}`);
if (r.provenance.iovsim !== process.argv[2]) throw new Error(`provenance says ${r.provenance.iovsim}`);
if (validate({ traffic: { load: '5 Gbps' } }).ok) throw new Error('validate accepted "5 Gbps"');
if (schema.title !== 'iovsim scenario') throw new Error('no schema');
console.log(`simulate: ${r.rows.map((x) => `${x.path} ${x.delivered_gbps} Gbit/s`).join(', ')}`);
EOF
(cd consumer && node use.mjs "$version")

say "tsc --noEmit of a TypeScript consumer of the types"
cat >consumer/use.ts <<'EOF'
import { simulate, validate, type Row, type Scenario, type SimulateResult } from 'iovsim';
const scenario: Scenario = { duration: '50 ms', vms: { count: 4 }, traffic: { load: '6 Gbit/s' }, paths: ['sriov'] };
const check = validate(scenario);
if (!check.ok) console.log(check.errors.map((e) => e.message));
const result: SimulateResult = await simulate(scenario, { seed: 1, jobs: 2, signal: AbortSignal.timeout(1000) });
const rows: Row[] = result.rows;
console.log(rows.length, result.provenance.scenario.sha256);
// The types are real: these must not compile.
// @ts-expect-error a seed is a number
await simulate(scenario, { seed: 'one' });
// @ts-expect-error vms.count is a number
const wrong: Scenario = { vms: { count: 'four' } };
console.log(wrong);
EOF
cat >consumer/tsconfig.json <<EOF
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "typeRoots": ["$repo/node_modules/@types"],
    "types": ["node"]
  },
  "files": ["use.ts"]
}
EOF
# package.json with type module, so the .ts file is an ES module (top-level await).
echo '{ "type": "module", "private": true }' >consumer/package.json
(cd consumer && "$repo/node_modules/.bin/tsc" -p tsconfig.json) || fail "the TypeScript consumer does not type-check"

say "done in $((SECONDS - started)) s"
