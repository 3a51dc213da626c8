import JSZip from 'jszip';

/**
 * Native Excel charts for a workbook exceljs wrote (exceljs has no chart API): DrawingML
 * `c:chartSpace` parts, a drawing that anchors them on a sheet, their relationships and content
 * types, added to the zip. The series point at the sheet's cells (Excel recalculates from them) and
 * carry a cache of the values, so viewers that do not recalculate draw them too.
 */
export interface ChartSeries {
  name: string;
  /** Cell ranges, e.g. `$A$2:$A$31` (the sheet is the chart's). */
  categories: string;
  values: string;
  /** Cached categories: numbers (dates as serials) or text. */
  categoryCache: Array<number | string>;
  valueCache: number[];
  color: string;
}

export interface NativeChart {
  type: 'column' | 'bar' | 'doughnut';
  title: string;
  series: ChartSeries;
  /** Number format of the categories (dates) and of the values. */
  categoryFormat?: string;
  valueFormat: string;
  /** Slice colours of a doughnut. */
  sliceColors?: string[];
  /** Anchor: zero-based columns and rows, top-left inclusive, bottom-right exclusive. */
  from: { col: number; row: number };
  to: { col: number; row: number };
}

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const CT_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fill = (rgb: string) => `<c:spPr><a:solidFill><a:srgbClr val="${rgb}"/></a:solidFill></c:spPr>`;
const sheetRef = (sheet: string, range: string) => xmlEscape(`'${sheet.replace(/'/g, "''")}'!${range}`);

function cache(kind: 'num' | 'str', values: Array<number | string>, format?: string): string {
  const pts = values.map((v, i) => `<c:pt idx="${i}"><c:v>${xmlEscape(String(v))}</c:v></c:pt>`).join('');
  const code = kind === 'num' ? `<c:formatCode>${xmlEscape(format ?? 'General')}</c:formatCode>` : '';
  return `<c:${kind}Cache>${code}<c:ptCount val="${values.length}"/>${pts}</c:${kind}Cache>`;
}

function seriesXml(sheet: string, chart: NativeChart): string {
  const s = chart.series;
  const numericCats = s.categoryCache.every((c) => typeof c === 'number');
  const cat = numericCats
    ? `<c:numRef><c:f>${sheetRef(sheet, s.categories)}</c:f>${cache('num', s.categoryCache, chart.categoryFormat)}</c:numRef>`
    : `<c:strRef><c:f>${sheetRef(sheet, s.categories)}</c:f>${cache('str', s.categoryCache)}</c:strRef>`;
  const slices =
    chart.type === 'doughnut'
      ? (chart.sliceColors ?? [])
          .slice(0, s.valueCache.length)
          .map((c, i) => `<c:dPt><c:idx val="${i}"/><c:bubble3D val="0"/>${fill(c)}</c:dPt>`)
          .join('')
      : '';
  const labels =
    chart.type === 'doughnut'
      ? '<c:dLbls><c:numFmt formatCode="0.0%" sourceLinked="0"/><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>'
      : '';
  return (
    `<c:ser><c:idx val="0"/><c:order val="0"/>` +
    `<c:tx><c:v>${xmlEscape(s.name)}</c:v></c:tx>` +
    (chart.type === 'doughnut' ? '' : `${fill(s.color)}<c:invertIfNegative val="0"/>`) +
    slices +
    labels +
    `<c:cat>${cat}</c:cat>` +
    `<c:val><c:numRef><c:f>${sheetRef(sheet, s.values)}</c:f>${cache('num', s.valueCache, chart.valueFormat)}</c:numRef></c:val>` +
    `</c:ser>`
  );
}

function axes(chart: NativeChart): string {
  const horizontal = chart.type === 'bar';
  const catFormat = chart.categoryFormat
    ? `<c:numFmt formatCode="${xmlEscape(chart.categoryFormat)}" sourceLinked="0"/>`
    : '';
  return (
    `<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling>` +
    `<c:delete val="0"/><c:axPos val="${horizontal ? 'l' : 'b'}"/>${catFormat}<c:tickLblPos val="nextTo"/>` +
    `<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>` +
    `<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>` +
    `<c:axPos val="${horizontal ? 'b' : 'l'}"/><c:majorGridlines/><c:numFmt formatCode="${xmlEscape(chart.valueFormat)}" sourceLinked="0"/>` +
    `<c:tickLblPos val="nextTo"/><c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>`
  );
}

export function chartSpaceXml(sheet: string, chart: NativeChart): string {
  const plot =
    chart.type === 'doughnut'
      ? `<c:doughnutChart><c:varyColors val="1"/>${seriesXml(sheet, chart)}<c:firstSliceAng val="0"/><c:holeSize val="55"/></c:doughnutChart>`
      : `<c:barChart><c:barDir val="${chart.type === 'bar' ? 'bar' : 'col'}"/><c:grouping val="clustered"/><c:varyColors val="0"/>` +
        `${seriesXml(sheet, chart)}<c:gapWidth val="50"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>${axes(chart)}`;
  const legend =
    chart.type === 'doughnut' ? '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>' : '';
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}"><c:roundedCorners val="0"/><c:chart>` +
    `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>${xmlEscape(chart.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>` +
    `<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>${plot}</c:plotArea>${legend}` +
    `<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`
  );
}

function drawingXml(charts: NativeChart[], firstRel: number): string {
  const anchors = charts.map(
    (c, i) =>
      `<xdr:twoCellAnchor editAs="oneCell">` +
      `<xdr:from><xdr:col>${c.from.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${c.from.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
      `<xdr:to><xdr:col>${c.to.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${c.to.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` +
      `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${i + 2}" name="${xmlEscape(c.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
      `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>` +
      `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" r:id="rId${firstRel + i}"/></a:graphicData></a:graphic>` +
      `</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`,
  );
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="${NS_A}" xmlns:r="${NS_R}">` +
    `${anchors.join('')}</xdr:wsDr>`
  );
}

const relsXml = (rels: Array<{ id: string; type: string; target: string }>) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  rels.map((r) => `<Relationship Id="${r.id}" Type="${REL}/${r.type}" Target="${r.target}"/>`).join('') +
  `</Relationships>`;

/** The worksheet part (`xl/worksheets/sheetN.xml`) of a sheet, by its name in the workbook. */
async function sheetPath(zip: JSZip, sheetName: string): Promise<string> {
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const sheet = new RegExp(`<sheet [^>]*name="${xmlEscape(sheetName)}"[^>]*r:id="([^"]+)"`).exec(workbook);
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const target = sheet && new RegExp(`Id="${sheet[1]}"[^>]*Target="([^"]+)"`).exec(rels);
  if (!target) throw new Error(`sheet ${sheetName} not found in the workbook`);
  return `xl/${target[1].replace(/^\/?xl\//, '')}`;
}

/** Adds `charts` on the sheet named `sheetName` of the xlsx in `xlsx`; answers the new file. */
export async function addNativeCharts(
  xlsx: Buffer,
  sheetName: string,
  charts: NativeChart[],
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const sheetFile = await sheetPath(zip, sheetName);
  const existingCharts = Object.keys(zip.files).filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f)).length;
  const existingDrawings = Object.keys(zip.files).filter((f) =>
    /^xl\/drawings\/drawing\d+\.xml$/.test(f),
  ).length;
  const drawingNo = existingDrawings + 1;
  const chartNos = charts.map((_, i) => existingCharts + i + 1);

  charts.forEach((c, i) => zip.file(`xl/charts/chart${chartNos[i]}.xml`, chartSpaceXml(sheetName, c)));
  zip.file(`xl/drawings/drawing${drawingNo}.xml`, drawingXml(charts, 1));
  zip.file(
    `xl/drawings/_rels/drawing${drawingNo}.xml.rels`,
    relsXml(
      chartNos.map((n, i) => ({ id: `rId${i + 1}`, type: 'chart', target: `../charts/chart${n}.xml` })),
    ),
  );

  // The sheet points at the drawing: a relationship and a <drawing> element in schema order.
  const sheetRelsPath = sheetFile.replace(/([^/]+)$/, '_rels/$1.rels');
  const drawingRel = 'rIdPonteCharts';
  const existingRels = await zip.file(sheetRelsPath)?.async('string');
  const rel = `<Relationship Id="${drawingRel}" Type="${REL}/drawing" Target="../drawings/drawing${drawingNo}.xml"/>`;
  zip.file(
    sheetRelsPath,
    existingRels
      ? existingRels.replace('</Relationships>', `${rel}</Relationships>`)
      : relsXml([{ id: drawingRel, type: 'drawing', target: `../drawings/drawing${drawingNo}.xml` }]),
  );
  const sheetXml = await zip.file(sheetFile)!.async('string');
  const element = `<drawing r:id="${drawingRel}"/>`;
  const before =
    /<(legacyDrawing|legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[ >/]/.exec(
      sheetXml,
    );
  const at = before ? before.index : sheetXml.lastIndexOf('</worksheet>');
  let withDrawing = sheetXml.slice(0, at) + element + sheetXml.slice(at);
  if (!/<worksheet[^>]*xmlns:r=/.test(withDrawing))
    withDrawing = withDrawing.replace('<worksheet ', `<worksheet xmlns:r="${NS_R}" `);
  zip.file(sheetFile, withDrawing);

  const types = await zip.file('[Content_Types].xml')!.async('string');
  const overrides =
    chartNos
      .map((n) => `<Override PartName="/xl/charts/chart${n}.xml" ContentType="${CT_CHART}"/>`)
      .join('') + `<Override PartName="/xl/drawings/drawing${drawingNo}.xml" ContentType="${CT_DRAWING}"/>`;
  zip.file('[Content_Types].xml', types.replace('</Types>', `${overrides}</Types>`));

  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
