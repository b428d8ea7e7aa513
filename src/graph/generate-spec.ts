// `generate("sbm:blocks=4,size=64,pin=0.5,pout=0.005,seed=1")`: the CLI's way to name a generated
// graph. Lists inside a value use '/', matrix rows ';' (e.g. probs=0.5/0.01;0.01/0.5).
import { ValueError } from '../../runtime/errors.js';
import type { Graph } from './graph.js';
import { barabasiAlbert, complete, erdosRenyi, hbm, lattice, path, randomGeometric, ring, sbm, star } from './generators.js';

type Kind = 'int' | 'num' | 'bool' | 'list' | 'matrix';
type Args = Record<string, number | boolean | number[] | number[][]>;

interface Gen {
  keys: Record<string, Kind>;
  required: string[];
  make(a: Args): Graph;
  help: string;
}

const int = (a: Args, k: string) => a[k] as number;

const GENERATORS: Record<string, Gen> = {
  sbm: {
    keys: { blocks: 'int', size: 'int', sizes: 'list', pin: 'num', pout: 'num', probs: 'matrix', seed: 'num', directed: 'bool' },
    required: [],
    help: 'sbm:blocks=4,size=64,pin=0.5,pout=0.005,seed=1 (or sizes=64/32/32, probs=a/b;c/d)',
    make: (a) => {
      let sizes: number[];
      if (a.sizes) {
        if (a.blocks !== undefined || a.size !== undefined) throw new ValueError('generate', 'sbm: give sizes, or blocks and size, not both');
        sizes = a.sizes as number[];
      } else {
        if (a.blocks === undefined || a.size === undefined) throw new ValueError('generate', 'sbm: give blocks and size, or sizes');
        sizes = new Array<number>(int(a, 'blocks')).fill(int(a, 'size'));
      }
      if (a.probs && (a.pin !== undefined || a.pout !== undefined)) throw new ValueError('generate', 'sbm: give pin and pout, or probs, not both');
      return sbm({
        sizes,
        ...(a.probs ? { probs: a.probs as number[][] } : { pIn: a.pin as number, pOut: a.pout as number }),
        ...(a.seed !== undefined ? { seed: a.seed as number } : {}),
        directed: (a.directed as boolean | undefined) ?? false,
      });
    },
  },
  hbm: {
    keys: { levels: 'int', groups: 'int', size: 'int', p: 'list', pin: 'num', ratio: 'num', seed: 'num' },
    required: ['levels', 'groups', 'size'],
    help: 'hbm:levels=3,groups=4,size=16,pin=0.5,ratio=0.1,seed=7 (or p=p0/p1/.../pLevels)',
    make: (a) => hbm({
      levels: int(a, 'levels'), groups: int(a, 'groups'), size: int(a, 'size'),
      ...(a.p ? { p: a.p as number[] } : {}),
      ...(a.pin !== undefined ? { pIn: a.pin as number } : {}),
      ...(a.ratio !== undefined ? { ratio: a.ratio as number } : {}),
      ...(a.seed !== undefined ? { seed: a.seed as number } : {}),
    }),
  },
  ba: {
    keys: { n: 'int', m: 'int', seed: 'num' },
    required: ['n', 'm'],
    help: 'ba:n=1000,m=3,seed=1',
    make: (a) => barabasiAlbert({ n: int(a, 'n'), m: int(a, 'm'), ...(a.seed !== undefined ? { seed: a.seed as number } : {}) }),
  },
  er: {
    keys: { n: 'int', p: 'num', seed: 'num', directed: 'bool' },
    required: ['n', 'p'],
    help: 'er:n=1000,p=0.01,seed=1',
    make: (a) => erdosRenyi({ n: int(a, 'n'), p: a.p as number, ...(a.seed !== undefined ? { seed: a.seed as number } : {}), directed: (a.directed as boolean | undefined) ?? false }),
  },
  ring: { keys: { n: 'int' }, required: ['n'], help: 'ring:n=100', make: (a) => ring(int(a, 'n')) },
  path: { keys: { n: 'int' }, required: ['n'], help: 'path:n=100', make: (a) => path(int(a, 'n')) },
  star: { keys: { n: 'int' }, required: ['n'], help: 'star:n=100', make: (a) => star(int(a, 'n')) },
  complete: { keys: { n: 'int' }, required: ['n'], help: 'complete:n=10', make: (a) => complete(int(a, 'n')) },
  lattice: { keys: { L: 'int', d: 'int' }, required: ['L'], help: 'lattice:L=32,d=2', make: (a) => lattice({ L: int(a, 'L'), d: (a.d as number | undefined) ?? 2 }) },
  rgg: {
    keys: { n: 'int', r: 'num', torus: 'bool', seed: 'num' },
    required: ['n', 'r'],
    help: 'rgg:n=1000,r=0.05,torus=true,seed=1',
    make: (a) => randomGeometric({ n: int(a, 'n'), radius: a.r as number, torus: (a.torus as boolean | undefined) ?? false, ...(a.seed !== undefined ? { seed: a.seed as number } : {}) }),
  },
};

/** Generator names and one example spec each (for CLI help). */
export function generatorHelp(): Record<string, string> {
  return Object.fromEntries(Object.entries(GENERATORS).map(([k, g]) => [k, g.help]));
}

function parseNum(name: string, key: string, v: string): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x)) throw new ValueError('generate', `${name}: ${key}=${JSON.stringify(v)} is not a number`);
  return x;
}

/**
 * Parses "name:key=value,..." and runs the generator. Unknown names or keys, missing required
 * keys, repeated keys and malformed values are ValueErrors that list what is accepted.
 * Random generators use seed 1 when no seed is given.
 */
export function generate(spec: string): Graph {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const gen = GENERATORS[name];
  if (!gen) throw new ValueError('generate', `unknown generator ${JSON.stringify(name)} in ${JSON.stringify(spec)}; known: ${Object.keys(GENERATORS).join(', ')}`);
  const args: Args = {};
  const body = colon < 0 ? '' : spec.slice(colon + 1).trim();
  for (const part of body === '' ? [] : body.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new ValueError('generate', `${name}: expected key=value, got ${JSON.stringify(part)} (${gen.help})`);
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    const kind = gen.keys[key];
    if (!kind) throw new ValueError('generate', `${name}: unknown key ${JSON.stringify(key)}; accepted keys: ${Object.keys(gen.keys).join(', ')} (${gen.help})`);
    if (key in args) throw new ValueError('generate', `${name}: key ${JSON.stringify(key)} given twice`);
    switch (kind) {
      case 'int': {
        const x = parseNum(name, key, val);
        if (!Number.isInteger(x)) throw new ValueError('generate', `${name}: ${key}=${val} must be an integer`);
        args[key] = x;
        break;
      }
      case 'num': args[key] = parseNum(name, key, val); break;
      case 'bool':
        if (val !== 'true' && val !== 'false' && val !== '1' && val !== '0') throw new ValueError('generate', `${name}: ${key}=${val} must be true or false`);
        args[key] = val === 'true' || val === '1';
        break;
      case 'list': args[key] = val.split('/').map((x) => parseNum(name, key, x)); break;
      case 'matrix': args[key] = val.split(';').map((row) => row.split('/').map((x) => parseNum(name, key, x))); break;
    }
  }
  const missing = gen.required.filter((k) => !(k in args));
  if (missing.length) throw new ValueError('generate', `${name}: missing ${missing.join(', ')} (${gen.help})`);
  return gen.make(args);
}
