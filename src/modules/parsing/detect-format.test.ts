import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.ts';

describe('detectFormat', () => {
  it('names each family from the first characters', () => {
    const cases: [string, string | null][] = [
      ['01,SENDR,RECVR,261130,0800,1,,,2/\n02,', 'bai2'],
      [
        '\ufeff<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        'camt',
      ],
      ['<Document><BkToCstmrDbtCdtNtfctn>', 'camt'],
      ['<?xml version="1.0"?><pain.001/>', null],
      ['{1:F01ABNANL2AXXX0000000000}{2:I940ABNANL2AXXXN}{4:\n:20:X\n:25:1\n:60F:C', 'mt940'],
      [
        'ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n:25:517852257\n:28:19321/1\n:60F:C110522EUR3236,28',
        'mt940',
      ],
      [`101 191001234 9922222261210151518A094101Certification Bank`, 'nacha'],
      ['100ABCDEFGHIJ00999999911605231800\n2ABCDEFGHIJ0099999991000000000040008000801\n', 'lockbox'],
      ['ISA*00*          *00*          *ZZ*SENDER', 'x12'],
      ['ST*835*1234~BPR*I*1922.86', 'x12'],
      ['OFXHEADER:100\nDATA:OFXSGML', 'ofx'],
      ['<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX>', 'ofx'],
      ['Date,Amount,Description\n', null],
      ['', null],
    ];
    for (const [head, family] of cases)
      expect([head.slice(0, 30), detectFormat(head)]).toEqual([head.slice(0, 30), family]);
  });
});
