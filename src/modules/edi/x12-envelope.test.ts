import { describe, expect, it } from 'vitest';
import { type ParsedFile, parseText } from '../bank-files/index.ts';
import { createX12Parser } from './index.ts';

function parse(text: string): ParsedFile {
  return parseText(createX12Parser, 'x12-835', text, { fileName: 'f.edi' });
}

const ISA = (control: string) =>
  `ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*${control}*0*P*:`;
const SET = ['ST*835*0001', 'BPR*I*0*C*NON', 'SE*3*0001'];

function file(...segments: string[]): string {
  return `${segments.join('~\n')}~\n`;
}

describe('X12 envelope', () => {
  it('checks nothing more when every header has its trailer and every count is right', () => {
    const doc = parse(
      file(ISA('000000001'), 'GS*HP*A*B*20240101*1200*7*X*005010X221A1', ...SET, 'GE*1*7', 'IEA*1*000000001'),
    );
    expect(doc.warnings).toEqual([]);
    expect(doc.claim_payments).toHaveLength(1);
  });

  it('reports trailers without headers, and headers whose trailers never come', () => {
    const doc = parse(
      file(
        ISA('000000001'),
        'SE*1*9',
        'GE*1*9',
        'IEA*0*000000001',
        'IEA*1*9',
        ISA('000000002'),
        'GS*HP*A*B*20240101*1200*7*X*005010X221A1',
        ...SET,
        ISA('000000003'),
        'GS*HP*A*B*20240101*1200*8*X*005010X221A1',
        'ST*835*0002',
        'BPR*I*0*C*NON',
        'GS*HP*A*B*20240101*1200*9*X*005010X221A1',
        ...SET,
        'IEA*1*000000003',
        ISA('000000004'),
        'GS*HP*A*B*20240101*1200*10*X*005010X221A1',
        ...SET,
      ),
    );
    expect(doc.claim_payments).toHaveLength(4);
    expect(doc.warnings).toEqual([
      { line: 2, message: 'SE trailer without an ST header; ignored' },
      { line: 3, message: 'GE trailer without a GS header; ignored' },
      { line: 5, message: 'IEA trailer without an ISA header; ignored' },
      { line: 7, message: 'functional group 7 (line 7) has no GE trailer: an ISA follows at line 11' },
      { line: 6, message: 'interchange 000000002 (line 6) has no IEA trailer: an ISA follows at line 11' },
      { line: 13, message: 'transaction set 835 0002 (line 13) has no SE trailer: a GS follows at line 15' },
      { line: 12, message: 'functional group 8 (line 12) has no GE trailer: a GS follows at line 15' },
      { line: 15, message: 'functional group 9 (line 15) has no GE trailer: an IEA follows at line 19' },
      {
        line: 19,
        message:
          "interchange 000000003: IEA01 functional group count '1' differs from the 2 functional groups in the interchange",
      },
      { line: 21, message: 'functional group 10 (line 21) has no GE trailer: the file ends' },
      { line: 20, message: 'interchange 000000004 (line 20) has no IEA trailer: the file ends' },
    ]);
  });

  it('warns once for a run of segments outside any transaction set', () => {
    const doc = parse(
      file('ST*835*0001', 'BPR*I*0*C*NON', 'SE*3*0001', 'N1*PR*X', 'N1*PE*Y', ...SET, 'REF*EV*Z'),
    );
    expect(doc.warnings).toEqual([
      { line: 4, message: 'segment N1 is outside any transaction set; ignored up to the next ST' },
      { line: 9, message: 'segment REF is outside any transaction set; ignored up to the next ST' },
    ]);
  });

  it('says when a count is not a number', () => {
    const doc = parse(
      file(
        ISA('000000001'),
        'GS*HP*A*B*20240101*1200*7*X*005010X221A1',
        'ST*835*0001',
        'BPR*I*0*C*NON',
        'SE*x*0001',
        'GE**7',
        'IEA*1*000000001',
      ),
    );
    expect(doc.warnings).toEqual([
      { line: 5, message: "transaction set 835 0001 (line 3): SE01 segment count 'x' is not a number" },
      {
        line: 6,
        message:
          "functional group 7: GE01 transaction set count '' differs from the 1 transaction sets in the group",
      },
    ]);
  });
});
