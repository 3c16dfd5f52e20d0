import { Command } from 'commander';
import { SpecError } from '../spec/load';
import { EXIT, printJson } from './output';

const collect = (value: string, previous: string[]) => [...previous, value];

export function buildProgram(): Command {
  const program = new Command('tempered').description('Durable fine-tuning pipelines on Temporal').showHelpAfterError();
  program
    .command('dev')
    .description('start the embedded Temporal server (Web UI on :8233) and the control, cpu and gpu workers')
    .option('--detach', 'start only the server, in the background')
    .option('--stop', 'stop a background server started with --detach')
    .option('--no-workers', 'start the server only, in the foreground')
    .action(async (opts) => exit(await (await import('./commands/dev')).devCommand(opts)));
  program
    .command('run <spec>')
    .description('start a pipeline of the catalogue: its name, or the path of its file under pipelines/ or TEMPERED_PIPELINES_DIRS')
    .option('--wait', 'follow the run to its end with live progress and print a summary')
    .option('--set <key=value>', 'override a run-time tunable field, e.g. --set training.epochs=1 (repeatable)', collect, [])
    .option('--id <workflowId>', 'workflow id (default: <pipeline>-<timestamp>)')
    .option('--local-workers', 'run the workers inside this process while waiting')
    .option('--json', 'print one JSON object as the last line')
    .action(async (spec, opts) => exit(await (await import('./commands/run')).runCommand(spec, opts)));
  program
    .command('status <workflowId>')
    .description('phase, progress and metrics of a pipeline')
    .option('--json', 'print one JSON object as the last line')
    .action(async (id, opts) => exit(await (await import('./commands/status')).statusCommand(id, opts)));
  program
    .command('report <workflowId>')
    .description('the run report as one self-contained HTML file: plan, data quality, loss curves, evaluation arms, readiness, gate, approval, A/B test, lineage')
    .option('-o, --output <file>', 'where to write it (default: report-<workflowId>.html)')
    .option('--stored', 'write the report the run stored at its end instead of making one now')
    .option('--json', 'print one JSON object as the last line')
    .action(async (id, opts) => exit(await (await import('./commands/report')).reportCommand(id, opts)));
  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <workflowId>`)
      .description(`${decision} a deployment waiting for approval`)
      .option('--by <name>', 'who decides (default: $USER); one of the spec\'s approvers')
      .option('--comment <text>', 'why (signed with the decision)')
      .option('--key <file>', 'your approver private key (default: $TEMPERED_APPROVER_KEY)')
      .option('--json', 'print one JSON object as the last line')
      .action(async (id, opts) => exit(await (await import('./commands/approval')).approvalCommand(decision, id, opts)));
  }
  program
    .command('data')
    .description('the data phase on its own')
    .command('check <spec-or-files...>')
    .description('check a spec\'s data, or data files, without Temporal or training: exit 0 passed, 1 a quality check failed, 2 bad input')
    .option('--type <type>', 'the files\' format: faq_csv, chat_logs, chat, instruction or sharegpt (default: from the extension and the first record)')
    .option('--audit <file>', 'write the audit (one JSON line per row dropped, redacted, skipped or flagged) here')
    .option('--json', 'print one JSON object as the last line')
    .action(async (targets: string[], opts) => exit(await (await import('./commands/data-check')).dataCheckCommand(targets, opts)));
  program
    .command('serve [pipeline]')
    .description('answer OpenAI-compatible chat requests with the pipeline\'s production version (both arms during an A/B test), recording feedback')
    .option('--model-dir <folder>', 'serve an exported ONNX folder instead of a registered pipeline (no feedback log)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8000')
    .option('--runtime <name>', 'the export to serve: onnx, onnx-quantized or onnx-genai (default: the one the version was evaluated on)')
    .option('--threads <n>', 'threads per model (default: the machine\'s cores)')
    .option('--max-batch <n>', 'most requests decoded together (default 8)')
    .option('--spin', 'keep the model\'s idle threads busy-waiting between operators: faster on a host of its own, but a core stays busy while idle')
    .option('--max-tokens <n>', 'with --model-dir: the largest max_tokens a request may ask for', '256')
    .option('--reload-interval <seconds>', 'how often to read the registry for promotions, rollbacks and A/B tests', '5')
    .action(async (pipeline, opts) => exit(await (await import('./commands/serve')).serveCommand(pipeline, opts)));
  const models = program.command('models').description('the model registry: versions, stages, promotion, rollback and A/B tests');
  models
    .command('list <pipeline>')
    .description('every version of a pipeline with its stage, and the running A/B test')
    .option('--json', 'print one JSON object as the last line')
    .action(async (pipeline, opts) => exit(await (await import('./commands/models')).listModelsCommand(pipeline, opts)));
  models
    .command('show <pipeline> <version>')
    .description('a version\'s stage history, exports and lineage (data, training, evaluation, gate, approval)')
    .option('--json', 'print one JSON object as the last line')
    .action(async (pipeline, version, opts) => exit(await (await import('./commands/models')).showModelCommand(pipeline, version, opts)));
  models
    .command('promote <pipeline> <version>')
    .description('put a version in production; the one it replaces is archived and a running A/B test ends')
    .option('--by <name>', 'who decides (default: $USER)')
    .option('--reason <text>', 'why, kept in the version\'s history')
    .option('--json', 'print one JSON object as the last line')
    .action(async (pipeline, version, opts) => exit(await (await import('./commands/models')).promoteModelCommand(pipeline, version, opts)));
  models
    .command('rollback <pipeline>')
    .description('return production to the version it had before the current one')
    .option('--by <name>', 'who decides (default: $USER)')
    .option('--reason <text>', 'why, kept in the version\'s history')
    .option('--json', 'print one JSON object as the last line')
    .action(async (pipeline, opts) => exit(await (await import('./commands/models')).rollbackModelCommand(pipeline, opts)));
  models
    .command('ab-test <pipeline> <version>')
    .description('test a version against production on a share of users; the sequential test promotes it or rolls it back')
    .option('--by <name>', 'who decides (default: $USER)')
    .option('--reason <text>', 'why, kept in the version\'s history')
    .option('--json', 'print one JSON object as the last line')
    .action(async (pipeline, version, opts) => exit(await (await import('./commands/models')).abTestModelCommand(pipeline, version, opts)));
  const schedule = program.command('schedule').description('run pipelines on Temporal Schedules: retraining every week, every night');
  schedule
    .command('create <spec>')
    .description('start a catalogued pipeline on a schedule (checked now, as tempered run checks it)')
    .option('--cron <expression>', 'when, as a cron expression (e.g. "0 3 * * 1": Mondays 03:00 UTC)')
    .option('--every <duration>', 'or how often, e.g. 6h or 7d')
    .option('--set <key=value>', 'override a run-time tunable field for every run (repeatable)', collect, [])
    .option('--id <scheduleId>', 'schedule id (default: tempered-<pipeline>)')
    .option('--overlap <policy>', 'when a run is still going: skip, buffer-one, buffer-all, cancel-other, terminate-other or allow-all', 'skip')
    .option('--catchup-window <duration>', 'runs missed while the server was down are started if this recent', '1h')
    .option('--json', 'print one JSON object as the last line')
    .action(async (spec, opts) => exit(await (await import('./commands/schedule')).createScheduleCommand(spec, opts)));
  schedule
    .command('list')
    .description('the pipeline schedules, their timing and next run')
    .option('--json', 'print one JSON object as the last line')
    .action(async (opts) => exit(await (await import('./commands/schedule')).listSchedulesCommand(opts)));
  schedule
    .command('describe <scheduleId>')
    .description('a schedule\'s timing, policies, input, state and recent runs')
    .option('--json', 'print one JSON object as the last line')
    .action(async (id, opts) => exit(await (await import('./commands/schedule')).describeScheduleCommand(id, opts)));
  for (const change of ['pause', 'unpause', 'trigger', 'delete'] as const) {
    schedule
      .command(`${change} <scheduleId>`)
      .description({ pause: 'stop starting runs', unpause: 'start runs again', trigger: 'start a run now', delete: 'remove the schedule (runs it started go on)' }[change])
      .option('--note <text>', 'why (pause and unpause)')
      .option('--json', 'print one JSON object as the last line')
      .action(async (id, opts) => exit(await (await import('./commands/schedule')).changeScheduleCommand(change, id, opts)));
  }
  program
    .command('keygen')
    .description('make an approver key pair: the private key for you, a line for the workers\' TEMPERED_APPROVER_KEYS file')
    .requiredOption('--name <name>', 'the approver name the pipeline specs list')
    .requiredOption('--out <file>', 'where to write the private key (PEM, mode 0600; never overwritten)')
    .option('--json', 'print one JSON object as the last line')
    .action(async (opts) => exit((await import('./commands/keygen')).keygenCommand(opts)));
  return program;
}

function exit(code: number): void {
  process.exitCode = code;
}

/** Errors a user can fix get their message and exit code 2; anything else is a bug worth a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const message = err instanceof SpecError ? err.message : (err as Error).message;
    if (json) printJson({ error: message });
    else console.error(message);
    if (!(err instanceof SpecError) && process.env.TEMPERED_DEBUG) console.error(err);
    process.exitCode = err instanceof SpecError ? EXIT.usage : EXIT.failed;
  }
}
