// The Porter stemmer against the worked examples of Porter (1980).
import { describe, expect, it } from 'vitest';
import { stemEnglish } from '../../../connectors/contract/text/porter-stemmer.js';

const PAPER_EXAMPLES: Record<string, string> = {
  caresses: 'caress',
  ponies: 'poni',
  ties: 'ti',
  caress: 'caress',
  cats: 'cat',
  feed: 'feed',
  agreed: 'agre',
  plastered: 'plaster',
  bled: 'bled',
  motoring: 'motor',
  sing: 'sing',
  conflated: 'conflat',
  troubled: 'troubl',
  sized: 'size',
  hopping: 'hop',
  tanned: 'tan',
  falling: 'fall',
  hissing: 'hiss',
  fizzed: 'fizz',
  failing: 'fail',
  filing: 'file',
  happy: 'happi',
  sky: 'sky',
  relational: 'relat',
  conditional: 'condit',
  rational: 'ration',
  valenci: 'valenc',
  digitizer: 'digit',
  radicalli: 'radic',
  differentli: 'differ',
  vietnamization: 'vietnam',
  predication: 'predic',
  operator: 'oper',
  feudalism: 'feudal',
  decisiveness: 'decis',
  hopefulness: 'hope',
  callousness: 'callous',
  formaliti: 'formal',
  sensitiviti: 'sensit',
  sensibiliti: 'sensibl',
  triplicate: 'triplic',
  formative: 'form',
  formalize: 'formal',
  electriciti: 'electr',
  electrical: 'electr',
  hopeful: 'hope',
  goodness: 'good',
  revival: 'reviv',
  allowance: 'allow',
  inference: 'infer',
  airliner: 'airlin',
  gyroscopic: 'gyroscop',
  adjustable: 'adjust',
  defensible: 'defens',
  irritant: 'irrit',
  replacement: 'replac',
  adjustment: 'adjust',
  dependent: 'depend',
  adoption: 'adopt',
  communism: 'commun',
  activate: 'activ',
  angulariti: 'angular',
  homologous: 'homolog',
  effective: 'effect',
  bowdlerize: 'bowdler',
  probate: 'probat',
  rate: 'rate',
  cease: 'ceas',
  controll: 'control',
  roll: 'roll',
};

describe('stemEnglish', () => {
  it.each(Object.entries(PAPER_EXAMPLES))('stems %s to %s', (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });

  it('conflates the forms a wiki reader types', () => {
    expect(stemEnglish('policies')).toBe(stemEnglish('policy'));
    expect(stemEnglish('rotating')).toBe(stemEnglish('rotation'));
    expect(stemEnglish('deployments')).toBe(stemEnglish('deployment'));
  });

  it('leaves short words, digits and non-ASCII words alone', () => {
    expect(stemEnglish('is')).toBe('is');
    expect(stemEnglish('http2')).toBe('http2');
    expect(stemEnglish('café')).toBe('café');
  });
});
