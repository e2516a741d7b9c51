/**
 * SourceBuild's build environments as the `/env` endpoints list them (docs/ncp.md, api §4.1). The
 * ids are the sandbox's own; project bodies must name ones from here.
 */
export const COMPUTE = [
  { id: 1, cpu: 2, mem: 4 },
  { id: 2, cpu: 4, mem: 8 },
  { id: 3, cpu: 8, mem: 16 },
];

export const OS = [
  { id: 1, name: 'ubuntu', version: '16.04', archi: 'x64' },
  { id: 2, name: 'ubuntu', version: '20.04', archi: 'x64' },
];

export const RUNTIMES: Record<number, { id: number; name: string; versions: { id: number; name: string }[] }[]> = {
  1: [
    { id: 1, name: 'base', versions: [{ id: 1, name: '16.04.1' }] },
    { id: 2, name: 'java', versions: [{ id: 11, name: '8' }] },
  ],
  2: [
    { id: 3, name: 'base', versions: [{ id: 21, name: '20.04.1' }] },
    {
      id: 4,
      name: 'node',
      versions: [
        { id: 31, name: '18' },
        { id: 32, name: '20' },
      ],
    },
  ],
};

export const DOCKER_ENGINES = [
  { id: 1, name: 'Docker:18.09.1' },
  { id: 2, name: 'Docker:20.10.17' },
];
