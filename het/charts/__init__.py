"""Chart builders: tidy frames in, Altair charts out. They never render and never touch Streamlit.

One module per chart family, imported from where it is defined (this package re-exports nothing):
`trend` (an indicator over time; small multiples), `groups` (wards, ethnic and deprivation groups against
the authority), `gaps` (the slope index of inequality over time), `rug` (the tartan rug), `maps` (the ward
hex map); `palette` holds every colour and symbol, `common` the pieces the builders share, and `data`
reads a chart's rows back.

Every chart inlines exactly the rows of the frame it was given, as its one dataset, so the Table
tab beside a chart can promise to hold exactly the chart's data (`data.chart_data` reads them back).
Anything derived for drawing (formatted text, positions, symbols) is computed by Vega-Lite
transforms inside the spec, never added to the rows; the hex map is the one exception, because a map
needs geometry: its rows are the frame's rows as flattened GeoJSON features (see `maps.hex_map`).
Colours come only from `palette`, and every colour is paired with a text symbol. No area is named in a
builder: the authority's series name is a parameter (`authority=`) wherever a chart singles it out.
"""
