-- HTML tables that can reflow on a phone, for both engines (Quarto runs this filter at pre-ast): each
-- body cell carries its column's header as data-label, which brief.html shows before the cell when a
-- table too wide for the screen is laid out as one block per row. The table keeps its semantics for
-- assistive technology through ARIA roles (a table displayed as blocks loses its implicit roles).
-- Typst output is left alone.

local function role(attr, name)
  attr.attributes["role"] = name
end

function Table(tbl)
  if not FORMAT:match("html") then
    return nil
  end
  role(tbl.attr, "table")
  local labels = {}
  role(tbl.head.attr, "rowgroup")
  for _, row in ipairs(tbl.head.rows) do
    role(row.attr, "row")
    for i, cell in ipairs(row.cells) do
      labels[i] = pandoc.utils.stringify(cell.contents)
      role(cell.attr, "columnheader")
    end
  end
  for _, body in ipairs(tbl.bodies) do
    role(body.attr, "rowgroup")
    for _, row in ipairs(body.body) do
      role(row.attr, "row")
      for i, cell in ipairs(row.cells) do
        role(cell.attr, "cell")
        if labels[i] and labels[i] ~= "" then
          cell.attributes["data-label"] = labels[i]
        end
      end
    end
  end
  return tbl
end
