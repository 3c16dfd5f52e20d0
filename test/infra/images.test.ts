import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config/paths';
import { copyArguments, execForm, ignoredByDockerignore, parseDockerfile, type Stage } from './dockerfile';

const imagesDir = path.join(projectRoot, 'infra', 'images');
const dockerfiles = globSync('*.Dockerfile', { cwd: imagesDir }).sort();
const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), 'utf8');
const stagesOf = (dockerfile: string) => parseDockerfile(fs.readFileSync(path.join(imagesDir, dockerfile), 'utf8'), `infra/images/${dockerfile}`);

/** Repository paths a RUN step names: files under the project's folders and its top-level manifests. */
const REPO_PATH = /(?<![\w./-])((?:trainer|infra|scripts|src|bin)\/[\w.-]+(?:\/[\w.-]+)*|package(?:-lock)?\.json|tsconfig\.json)(?![\w/-])/g;

/** What the stage has copied from the build context before `line`: repository paths, files or folders. */
function copiedBefore(stage: Stage, line: number): string[] {
  return stage.instructions
    .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.line < line)
    .map((i) => copyArguments(i.args))
    .filter((c) => c.flags.from === undefined)
    .flatMap((c) => c.sources.map((s) => path.posix.normalize(s)));
}

/** The image name a documented `docker build` command tags, with the Dockerfile and target it builds. */
function documentedBuilds(): Map<string, { dockerfile: string; target: string | null }> {
  const builds = new Map<string, { dockerfile: string; target: string | null }>();
  for (const match of read('infra/README.md').matchAll(/docker build -f infra\/images\/(\S+)(.*?) -t ([\w.-]+):\S+ \.$/gm)) {
    const target = /--target (\S+)/.exec(match[2]!)?.[1] ?? null;
    builds.set(match[3]!, { dockerfile: match[1]!, target });
  }
  return builds;
}

describe('container images (infra/images)', () => {
  it('has Dockerfiles for the cpu-only workers and the gpu worker', () => {
    assert.deepEqual(dockerfiles, ['gpu.Dockerfile', 'worker.Dockerfile']);
  });

  it('builds each image in stages, from base images pinned by a version tag', () => {
    for (const dockerfile of dockerfiles) {
      const stages = stagesOf(dockerfile);
      assert.ok(stages.length >= 2, `${dockerfile}: expected a multi-stage build`);
      const names = new Set<string>();
      for (const stage of stages) {
        if (!names.has(stage.from)) {
          const tag = /^[\w.\-/]+:([\w.-]+)$/.exec(stage.from)?.[1];
          assert.ok(tag && tag !== 'latest' && /\d/.test(tag), `${dockerfile}:${stage.line}: FROM ${stage.from} is not pinned to a version tag`);
        }
        if (stage.name) names.add(stage.name);
      }
    }
  });

  it('copies only files that exist in the repository and are inside the build context', () => {
    for (const dockerfile of dockerfiles) {
      const ignoreFile = path.join(imagesDir, `${dockerfile}.dockerignore`);
      assert.ok(fs.existsSync(ignoreFile), `${dockerfile}: no ${dockerfile}.dockerignore; the context would include node_modules and .tempered`);
      const ignored = ignoredByDockerignore(fs.readFileSync(ignoreFile, 'utf8'));
      for (const stage of stagesOf(dockerfile)) {
        for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
          const { flags, sources } = copyArguments(copy.args);
          if (flags.from !== undefined) continue;
          for (const source of sources) {
            const where = `${dockerfile}:${copy.line}: ${copy.keyword} ${source}`;
            const absolute = path.join(projectRoot, source);
            assert.ok(fs.existsSync(absolute), `${where}: no such file in the repository`);
            assert.equal(ignored(source), false, `${where}: excluded by ${dockerfile}.dockerignore`);
            if (fs.statSync(absolute).isDirectory()) {
              const files = globSync('**/*', { cwd: absolute }).map((f) => path.posix.join(source, f));
              assert.ok(files.some((f) => !ignored(f)), `${where}: every file of the folder is excluded from the context`);
              assert.ok(!files.some((f) => f.includes('__pycache__') && !ignored(f)), `${where}: Python caches would enter the image`);
            }
          }
        }
      }
    }
  });

  it('copies each repository file a RUN step reads into its stage first', () => {
    for (const dockerfile of dockerfiles) {
      for (const stage of stagesOf(dockerfile)) {
        for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
          const copied = copiedBefore(stage, run.line);
          for (const [, file] of run.args.matchAll(REPO_PATH)) {
            const where = `${dockerfile}:${run.line}: RUN reads ${file}`;
            assert.ok(fs.existsSync(path.join(projectRoot, file!)), `${where}, which is not in the repository`);
            assert.ok(copied.some((c) => file === c || file!.startsWith(`${c}/`)), `${where} before any COPY brings it into the stage`);
          }
          if (/\bnpm ci\b/.test(run.args)) assert.ok(copied.includes('package-lock.json'), `${dockerfile}:${run.line}: npm ci needs package-lock.json`);
        }
      }
    }
  });

  it('runs only npm scripts that package.json defines, and filters requirement files by lines they have', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const dockerfile of dockerfiles) {
      for (const stage of stagesOf(dockerfile)) {
        for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
          for (const [, script] of run.args.matchAll(/\bnpm run (\S+)/g)) {
            assert.ok(scripts[script!] !== undefined, `${dockerfile}:${run.line}: npm run ${script}, which package.json does not define`);
          }
          // A grep that matches nothing would install an empty pin or filter nothing out: both are silent mistakes.
          for (const [, pattern, file] of run.args.matchAll(/\bgrep -v?E '([^']+)' ([\w./-]+)/g)) {
            const lines = read(file!).split('\n');
            const re = new RegExp(pattern!);
            for (const alternative of /^\^\(([^)]+)\)(.*)$/.exec(pattern!)?.[1]!.split('|') ?? [null]) {
              const matched = alternative === null ? lines.some((l) => re.test(l)) : lines.some((l) => re.test(l) && l.startsWith(alternative));
              assert.ok(matched, `${dockerfile}:${run.line}: grep '${pattern}' ${file} matches no line${alternative ? ` for ${alternative}` : ''}`);
            }
          }
        }
      }
    }
  });

  it('runs each worker from its final stage as a non-root user, under an init that forwards SIGTERM', () => {
    for (const [image, build] of documentedBuilds()) {
      const stages = stagesOf(build.dockerfile);
      const stage = build.target ? stages.find((s) => s.name === build.target) : stages.at(-1);
      assert.ok(stage, `infra/README.md builds ${image} from target ${build.target}, which ${build.dockerfile} does not have`);
      const last = (keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).at(-1);
      const user = last('USER');
      assert.ok(user && /^[1-9]\d*(:\d+)?$/.test(user.args), `${build.dockerfile}: ${image} must run as a numeric non-root user, got ${user?.args}`);
      assert.match(execForm(last('ENTRYPOINT')!.args, `${build.dockerfile}: ENTRYPOINT`).join(' '), /tini --$/);
      const command = execForm(last('CMD')!.args, `${build.dockerfile}: CMD`);
      const entry = /^dist\/(src\/workers\/[\w-]+)\.js$/.exec(command[1] ?? '');
      assert.ok(command[0] === 'node' && entry, `${build.dockerfile}: ${image} should run a worker entrypoint, runs ${command.join(' ')}`);
      assert.ok(fs.existsSync(path.join(projectRoot, `${entry[1]}.ts`)), `${build.dockerfile}: ${command[1]} is built from ${entry[1]}.ts, which does not exist`);
    }
  });

  it('builds every image the worker Deployments run, each running the worker of its Deployment', () => {
    const builds = documentedBuilds();
    for (const file of ['control-worker.yaml', 'cpu-worker.yaml', 'gpu-worker.yaml']) {
      const deployment = parse(read(`infra/k8s/base/${file}`).split('\n---\n')[0]!) as { spec: { template: { spec: { containers: { image: string }[] } } } };
      const image = deployment.spec.template.spec.containers[0]!.image.split(':')[0]!;
      const build = builds.get(image);
      assert.ok(build, `infra/k8s/base/${file} runs ${image}, which no docker build command in infra/README.md makes`);
      const stages = stagesOf(build.dockerfile);
      const stage = build.target ? stages.find((s) => s.name === build.target)! : stages.at(-1)!;
      const command = execForm(stage.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args, build.dockerfile);
      assert.equal(command[1], `dist/src/workers/${file.replace('-worker.yaml', '')}.js`, `${image} runs another worker than ${file} expects`);
    }
  });
});
