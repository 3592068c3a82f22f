// The documents every connector's contract setup must make searchable (via ingest, files, import…).
// Each has a distinctive vocabulary so that expectations hold on any reasonable ranking.
import type { IngestDocument } from '../../connectors/contract/types.js';

export const CONTRACT_DOCUMENTS: ReadonlyArray<IngestDocument & { updatedAt: string; url: string; distinctive: string }> = [
  {
    id: 'volcano-survey',
    title: 'Volcano survey procedure',
    distinctive: 'basalt',
    text: 'Field teams sample basalt flows twice a year. Record magma temperature, vent gas readings and the GPS position of each sample. Basalt cores go to the lab within two days.',
    url: 'https://docs.example.com/geo/volcano-survey',
    updatedAt: '2021-03-01T09:00:00.000Z',
  },
  {
    id: 'espresso-machine',
    title: 'Office espresso machine care',
    distinctive: 'portafilter',
    text: 'Rinse the portafilter after every shot and descale the boiler monthly. The grinder burrs are replaced each spring. Report leaks from the steam wand to facilities.',
    url: 'https://docs.example.com/office/espresso-machine',
    updatedAt: '2022-06-15T12:00:00.000Z',
  },
  {
    id: 'kayak-rental',
    title: 'Team kayak rental policy',
    distinctive: 'paddle',
    text: 'Employees may rent a kayak and paddle for team events. Life jackets are mandatory on the water. Book the kayak trailer through the events calendar at least a week ahead.',
    url: 'https://docs.example.com/events/kayak-rental',
    updatedAt: '2023-09-20T08:30:00.000Z',
  },
  {
    id: 'quantum-lab',
    title: 'Quantum lab cryostat safety',
    distinctive: 'cryostat',
    text: 'The cryostat holds helium at four kelvin. Only trained staff may open the cryostat. Wear face shields when handling liquid nitrogen transfer lines.',
    url: 'https://docs.example.com/lab/quantum-cryostat',
    updatedAt: '2024-01-10T10:00:00.000Z',
  },
  {
    id: 'orchard-harvest',
    title: 'Orchard harvest schedule',
    distinctive: 'apricot',
    text: 'The apricot harvest starts in late June, plums follow in August. Pickers log crates per tree row; bruised apricot crates go to the jam kitchen.',
    url: 'https://docs.example.com/farm/orchard-harvest',
    updatedAt: '2025-05-05T07:45:00.000Z',
  },
  {
    id: 'glacier-archive',
    title: 'Glacier photo archive',
    distinctive: 'moraine',
    text: 'Photos of the glacier terminus and lateral moraine are archived yearly. Compare moraine outlines with last year to estimate retreat. Scans are stored at 600 dpi.',
    url: 'https://docs.example.com/geo/glacier-archive',
    updatedAt: '2025-11-30T16:20:00.000Z',
  },
];

export const HOSTILE_QUERIES: readonly string[] = [
  `"unbalanced quote`,
  `it's O'Reilly's`,
  'a & b | !c <-> (d) :* e',
  'title:(foo AND',
  '/.*/',
  '*',
  '\\\\ back\\slash \\',
  'nul\u0000byte basalt',
  '\u202Eright-to-left\u202C override',
  'lone \uD800 surrogate',
  '; DROP TABLE documents; --',
  '{"query":{"match_all":{}}}',
  '[[Category:Secret]] {{template}} <script>alert(1)</script>',
  'x'.repeat(1000),
  'basalt '.repeat(140).trim(),
];
