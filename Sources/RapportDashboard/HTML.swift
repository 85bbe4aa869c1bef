import RapportCore

/// Small helpers for writing HTML by hand, safely.
enum HTML {
    /// `text` with every character that means something in HTML (or in an attribute) escaped.
    static func escape(_ text: String) -> String { text.htmlEscaped }

    /// A whole page: `title`, `body` and `head` go in as they are (escape what you put in them).
    static func page(title: String, body: String, head: String = "") -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Rapport</title>
        <style>\(style)</style>\(head)
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// A table with a caption and column headers; `rows` hold ready-made (escaped) cells.
    static func table(caption: String, headers: [String], rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p>\(escape(empty))</p>" }
        let head = headers.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table>\n<caption>\(escape(caption))</caption>\n<thead><tr>\(head)</tr></thead>\n<tbody>\n\(body)\n</tbody>\n</table>"
    }

    /// Dark text on white (16:1), links at 7:1, and a fluid single column that fits a phone.
    static let style = """
        body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;line-height:1.5}\
        main{max-width:60rem;margin:0 auto;padding:1rem}\
        a{color:#0b4f8a}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}\
        table{border-collapse:collapse;width:100%;margin:.5rem 0}caption{text-align:left;font-weight:600}\
        th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #767676}\
        svg{max-width:100%;height:auto}svg.graph{width:36rem}nav a{margin-right:1rem}.muted{color:#4a4a4a}\
        .counts{display:flex;gap:2rem;flex-wrap:wrap}.counts p{margin:0;font-size:1.2rem}        header{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;border-bottom:1px solid #767676;padding-bottom:.5rem}        header nav a{display:inline-block;margin:.2rem .8rem .2rem 0}.card{border:1px solid #767676;border-radius:.4rem;padding:.2rem .8rem;margin:.8rem 0}        .card h2{margin-top:.4rem}form{margin:.4rem 0}form.inline{display:inline-block;margin:.2rem .4rem .2rem 0}        input,select,button{font:inherit;padding:.3rem .5rem;max-width:100%}label{display:inline-block;margin:.2rem 0}        .notice{padding:.5rem .8rem;border:2px solid #1d6b2f;background:#eef8f0}.notice.error,.error{border-color:#a4161a;color:#a4161a}        .notice.error{background:#fdeeee}.tag{border:1px solid #4a4a4a;border-radius:.3rem;padding:0 .3rem;font-size:.85rem}        .tabs strong,.tabs a{margin-right:.8rem;display:inline-block}ol.audit li{margin:.3rem 0;overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.5rem}
        """
}
