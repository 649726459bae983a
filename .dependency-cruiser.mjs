// The dependency rules CI enforces (`npm run deps:check`, step "dependency rules" of .ci/run).
// Dependencies point one way: each layer below may import only itself and the layers before it,
// in this order (issue 14; README "Layout"):
//
//   foundation  config.ts errors.ts logger.ts lifecycle.ts metrics.ts maths/ plot/ tf/ db/
//   plumbing    jobs/ (queue, names, types) http/ auth/ app-context.ts
//   the chain   acquisition → signal → features → state → health → prognostics
//   models/     registry, cards, drift references (see below why it sits here)
//   the chain   → forecasting → maintenance
//   beside      training/ → drift/
//   sources     twin/ (simulator), evaluation/ (public datasets): see their own rules
//   composition context.ts app.ts server.ts worker.ts job-definitions.ts cli/ demo/ web/
//
// Where the code showed a better order than a plain chain:
// - models/ (registry, cards, drift references) sits after prognostics, before forecasting: it
//   imports nothing of the chain (artifacts are directories, manifests are JSON), and placing it
//   here keeps the chain's stages from reading the registry: only forecasting, training and
//   drift do.
// - maintenance/ sits above forecasting: work-order rules read forecasts; nothing in forecasting
//   needs maintenance (its rules run through the callback context.ts passes to ScoringService).
// - training/ sits above the whole chain (it trains the chain's models) and drift/ above
//   training (a drift check may start a retraining run); training writes a drift reference
//   through models/, so it never imports drift/.
//
// Test files (*.test.ts, tests/, bench/, notebooks/) may import any layer; cycles count everywhere,
// type-only imports included (`tsPreCompilationDeps`): a type cycle still ties the modules'
// meaning together and breaks as soon as one side needs a value.

const TEST = '\\.test\\.ts$';

/** Layers from the bottom up: `path` is what belongs to it, `why` the reason of its boundary. */
const LAYERS = [
  {
    name: 'foundation',
    path: '^src/(config|errors|logger|lifecycle|metrics)\\.ts$|^src/(maths|plot|tf|db)/',
    why: 'Foundation (config, errors, logger, lifecycle, metrics, maths, plot, tf, db) is what everything else stands on: it knows no job, route or stage of the chain.',
    // config.ts has a rule of its own (config-imports-only-rule-settings).
    except: '^src/config\\.ts$',
  },
  {
    name: 'plumbing',
    path: '^src/(jobs|http|auth)/|^src/app-context\\.ts$',
    why: 'Plumbing (job queue, HTTP helpers, API keys, the core context) serves every stage, so it imports no stage: job definitions live with their stage, routes get their services from the composition root.',
  },
  {
    name: 'acquisition',
    path: '^src/acquisition/',
    why: 'Acquisition is the first stage of ISO 13374: it stores what sensors and importers deliver and uses nothing computed from it.',
  },
  {
    name: 'signal',
    path: '^src/signal/',
    why: 'Signal processing works on arrays of samples; features, state and later stages are built on it, never the other way.',
  },
  {
    name: 'features',
    path: '^src/features/',
    why: 'Features are computed from signals; state detection, health and prognostics consume them.',
  },
  {
    name: 'state',
    path: '^src/state/',
    why: 'State detection (ISO 20816 zones, bearing fault diagnosis) reads features; health and later stages read it.',
  },
  {
    name: 'health',
    path: '^src/health/',
    why: 'Health assessment comes before prognostics: a RUL or failure forecast may use a health index, a health model never uses a forecast.',
  },
  {
    name: 'prognostics',
    path: '^src/prognostics/',
    why: 'Prognostics (RUL, failure within a horizon) are models run by forecasting and trained by training: they import neither.',
  },
  {
    name: 'models',
    path: '^src/models/',
    why: 'The model registry stores what training produces and forecasting and drift load: it imports none of them (and no route or job of theirs).',
  },
  {
    name: 'forecasting',
    path: '^src/forecasting/',
    why: 'Forecasting is the one scoring pipeline over the stages before it; maintenance advice, training and drift read its output.',
  },
  {
    name: 'maintenance',
    path: '^src/maintenance/',
    why: 'Maintenance advice is the last stage of the chain: it reads forecasts and states, and knows nothing of training or drift.',
  },
  {
    name: 'training',
    path: '^src/training/',
    why: 'Training runs the chain to train its models and registers them; drift monitoring may start a training run, so training never imports drift.',
  },
  {
    name: 'drift',
    path: '^src/drift/',
    why: 'Drift monitoring compares live data with each model’s training reference and suggests retraining: it may use everything above, nothing but the composition root uses it.',
  },
];

const COMPOSITION = '^src/(context|app|server|worker|job-definitions)\\.ts$|^src/(cli|demo|web)/';

/** Every layer above `index`, plus the data sources and the composition root. */
function above(index) {
  return [...LAYERS.slice(index + 1).map((l) => l.path), '^src/(twin|evaluation)/', COMPOSITION].join('|');
}

const layerRules = LAYERS.map((layer, index) => ({
  name: `${layer.name}-imports-no-higher-layer`,
  comment: layer.why,
  severity: 'error',
  from: { path: layer.path, pathNot: layer.except ? `${TEST}|${layer.except}` : TEST },
  to: { path: above(index) },
}));

// Node built-ins and packages that do I/O (files, network, processes, databases, queues).
const IO_CORE =
  '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads|readline)$';
const IO_PACKAGES =
  '(^|/)node_modules/(pg|pg-copy-streams|kysely|@electric-sql/pglite|ioredis|bullmq|mqtt|fastify)/';

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes modules one unit that can be neither understood nor tested alone, and decides import order at run time (a value read before its module finished loading). Break it by moving the shared part down or passing a callback from the composition root.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'sources-import-no-composition',
      comment:
        'The twin and the evaluations are used by the CLI, the demo and tests; they cannot use those in turn (the eval commands call the evaluations, not the reverse).',
      severity: 'error',
      from: { path: '^src/(twin|evaluation)/', pathNot: TEST },
      to: { path: COMPOSITION },
    },
    {
      name: 'config-imports-only-rule-settings',
      comment:
        'The one exception to the foundation rule: config.ts validates PROGNOS_RULE_* against the work-order rules’ names and defaults. maintenance/rule-settings.ts imports nothing (next rule), so config still pulls in no domain code.',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/', pathNot: `${LAYERS[0].path}|^src/maintenance/rule-settings\\.ts$` },
    },
    {
      name: 'rule-settings-is-a-leaf',
      comment:
        'config.ts imports it (previous rule): it must stay free of imports so config stays at the bottom.',
      severity: 'error',
      from: { path: '^src/maintenance/rule-settings\\.ts$' },
      to: {},
    },
    {
      name: 'signal-imports-only-maths',
      comment:
        'signal/ is pure DSP on arrays: reusable by the importers, the twin, the evaluations and the live path alike, so it imports only itself and maths/.',
      severity: 'error',
      from: { path: '^src/signal/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/(signal|maths)/' },
    },
    {
      name: 'maths-and-plot-import-only-themselves',
      comment:
        'maths/ (statistics, metrics, splits, rng) and plot/ (SVG charts) are pure helpers every layer may use: they depend on no other part of Prognos (plot/ may use maths/).',
      severity: 'error',
      from: { path: '^src/(maths|plot)/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/maths/|^src/plot/' },
    },
    {
      name: 'pure-code-does-no-io',
      comment:
        'signal/, maths/ and plot/ are pure: arrays in, numbers or SVG out. No files, sockets, processes or databases, so they run the same in a test, a notebook, a worker thread and the browser-free CLI.',
      severity: 'error',
      from: { path: '^src/(signal|maths|plot)/', pathNot: TEST },
      to: { path: `${IO_CORE}|${IO_PACKAGES}|^src/db/` },
    },
    {
      name: 'production-never-imports-evaluation',
      comment:
        'src/evaluation/ holds the public-dataset evaluations (C-MAPSS, CWRU, FEMTO, AI4I): dataset code must not leak into the product. Only the eval commands (src/cli/eval-*.ts), bench/, notebooks/ and tests import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/evaluation/|^src/cli/eval-[^/]+\\.ts$|${TEST}` },
      to: { path: '^src/evaluation/' },
    },
    {
      name: 'product-never-imports-the-twin',
      comment:
        'twin/ simulates a fleet for the demo, `prognos simulate`, the evaluations and tests: the product must work on real data only, so nothing else imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(twin|cli|demo|evaluation)/|${TEST}` },
      to: { path: '^src/twin/' },
    },
    {
      name: 'clients-import-no-server-code',
      comment:
        'clients/ is what an integrator copies: the generated API types and a thin client over them. It stands on the OpenAPI document alone, so it imports nothing of the server, its tests or its scripts.',
      severity: 'error',
      from: { path: '^clients/' },
      to: { path: '^(src|tests|bench|bin|notebooks)/' },
    },
    {
      name: 'src-never-imports-tests-bench-notebooks',
      comment:
        'Test helpers, benchmarks and notebooks are not shipped: production code cannot depend on them.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: '^(tests|bench|notebooks|bin|clients)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/(public|vendor)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
