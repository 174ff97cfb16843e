"""The English text of every message code: the source of the gettext catalogs.

Texts are str.format templates over the message's parameters; `{n:@file|files}` shows a count
with its English noun. Each text tells a non-programmer what to write instead. Changing a text
here marks its translation for review (`python -m sitegen.messages.catalog`).
"""

from __future__ import annotations

from sitegen.untrusted import (
    MAX_BLOCK_CHARS,
    MAX_BLOCK_LINES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_FRONT_MATTER_BYTES,
    MAX_LINKS,
    MAX_VALUE_CHARS,
)

# One entry per problem code. Every message tells a non-programmer what to write instead.
PROBLEMS: dict[str, str] = {
    # files and syntax
    "not-utf8": "this file is not saved as UTF-8 text (byte {offset} is not valid); "
    "save it again as 'UTF-8' in your editor",
    "no-front-matter": "the file must start with a line '---', then the fields, then another '---' line",
    "fence-dashes": "'{value}' is not the line '---' the fields start and end with; type exactly three "
    "hyphens - on an English keyboard (a phone's 'smart punctuation' turns them into long or full-width dashes)",
    "unclosed-front-matter": "the front matter opened with '---' is never closed; "
    "add a line '---' after the last field",
    "yaml-syntax": "this line cannot be read: {advice} (in the YAML reader's words: {problem})",
    "fullwidth-space": "this line has a full-width space (　) where YAML needs an ordinary one; retype the "
    "spaces at the start of the line and after the ':' with the keyboard in half-width mode",
    "fullwidth-colon": "'{field}：' is written with the Chinese colon '：'; after a field name write the "
    "English colon and a space, e.g. '{field}: …'",
    "colon-no-space": "'{field}:{value}' has no space after the colon, so it is not read as the field '{field}'; "
    "write '{field}: {value}'",
    "toml-syntax": "sitegen.toml cannot be read ({problem}); {advice}",
    "yaml-too-complex": f"the front matter nests more than {MAX_DEPTH} levels deep or repeats itself through '&' "
    "anchors and '*' references; write each field out plainly as 'field: value'",
    "not-a-mapping": "the front matter must be a list of 'field: value' lines",
    "yaml-tag": "'{field}' is marked with the YAML type tag '{tag}', which sitegen does not read here or which "
    "does not fit the value; delete '{tag}' and write the value plainly (a text that starts with '!' goes in "
    "quotes, e.g. title: \"!好茶\")",
    "control-character": "this line contains an invisible control character ({char}), which could garble the "
    "page or an editor's screen; delete it (if you cannot see it, delete and retype the text around it)",
    "cannot-read": "cannot be read ({problem}): sitegen is not allowed to open it; give everyone permission to "
    "read it (e.g. chmod -R a+rX on the catalog folder), or remove it",
    "file-too-large": "this file is larger than {limit} bytes (the limit is passed on this line), far more than "
    "a catalog needs, so it is not read; shorten it",
    "front-matter-too-long": f"the front matter (between the '---' lines) is longer than {MAX_FRONT_MATTER_BYTES:,} "
    "bytes (the limit is passed on this line), so it is not read; a product needs a few hundred lines at most: "
    "shorten it",
    "text-too-long": f"the text below the front matter is longer than {MAX_BODY_BYTES:,} bytes (about "
    f"{MAX_BODY_BYTES // 3:,} Chinese characters; the limit is passed on this line); shorten it or split it",
    "block-too-long": f"this paragraph, list or table runs on for more than {MAX_BLOCK_LINES} lines or "
    f"{MAX_BLOCK_CHARS:,} characters without an empty line (the limit is passed on this line), which takes the "
    "Markdown reader too long; put an empty line between its parts",
    "too-many-links": f"the text has more than {MAX_LINKS:,} '[' (this line has the {MAX_LINKS + 1:,}th), which "
    "takes the Markdown reader too long; links and pictures are written with [ ], so split the text into "
    "several products, or write 【 】 where you mean brackets",
    "nested-too-deep": f"this line puts lists or quotes inside each other more than {MAX_DEPTH} levels deep (each "
    "'>', '-', '*', '+' or '1.' at its start, and every 4 spaces before them, is one level); write it plainly",
    "value-too-long": f"'{{field}}' is longer than {MAX_VALUE_CHARS:,} characters; shorten it (the story "
    "belongs in the text below the front matter)",
    "missing-config": "there is no sitegen.toml here; run this inside a catalog folder or pass --root",
    # fields
    "missing-field": "the required field '{field}' is missing; add a line '{key}: …'",
    "missing-setting": "sitegen.toml has no '{field}'; add a line {example}",
    "wrong-type": "'{field}' must be {expected}, not {got}",
    "unknown-key": "unknown field '{field}'{hint}",
    "empty-value": "'{field}' is empty, but it must have a value (it cannot be left out either); write one",
    "negative-amount": "'{field}' must be 0 or more, not {value}",
    "bad-month": "'{field}' has month {value}; months are whole numbers from 1 to 12, written as a list with "
    "English commas, e.g. {field}: [9, 10, 11]",
    "bad-url": "'{field}' must be a web address starting with http:// or https://, not '{value}'",
    "bad-date": "'{field}' must be a date written as YYYY-MM-DD, e.g. 2024-09-01 (or a year alone, e.g. 2014), "
    "not '{value}'",
    "no-such-date": "'{field}' is {value}, a day that does not exist in the calendar; check the month and day",
    "duplicate-key": "'{field}' is written twice; keep only one",
    # ids and references
    "bad-id": "'{value}' is not a valid id (ids name folders and [categories.…] tables); use lowercase "
    "letters a-z, digits and hyphens only, e.g. '{suggestion}'",
    "unknown-category": "category '{value}' is not defined in sitegen.toml{hint}; write the id of one of: {names}",
    "unknown-certification": "certification '{value}' is not defined in sitegen.toml{hint}; write the id of one "
    "of: {names}",
    "bad-cert-number": "'{value}' is not a {name} certificate number, which is {format}; copy it exactly as the "
    "certificate shows it (shoppers look it up in the registry), or leave out number until you have it",
    "unknown-brand": "this product is in products/{value}/, but there is no brand folder brands/{value}/; "
    "create it with 'sitegen new brand {value} --name …' or move the product",
    "duplicate-id": "{kind} id '{value}' is defined twice in sitegen.toml; keep only one",
    "misnamed-index": "this folder has '{value}' but no index.md, so it is not read; rename '{value}' to "
    "index.md, all in lower case (Windows may hide a '.txt' at the end of the name)",
    "stray-file": "this folder has no index.md, so it is ignored; add an index.md or remove the folder",
    # files referenced from content
    "missing-image": "the image '{value}' is not in this folder; check the file name (letters, "
    "upper/lower case and extension must match exactly)",
    "missing-image-draft": "the image '{value}' is not in this folder yet; this product is a draft (draft: "
    "true), so it is previewed without it; add the photo before you remove 'draft: true'",
    "path-escapes": "'{value}' points outside this folder; put the file beside index.md and write "
    "only its name",
    "link-outside": "'{value}' is a shortcut (symbolic link) to a file or folder outside the catalog, which "
    "sitegen does not follow; put the real file or folder here instead",
    "link-hidden": "'{value}' is a shortcut (symbolic link) into a hidden file or folder of the catalog ('.git', "
    "'.sitegen-cache' …), which sitegen does not follow: they hold git's settings (and a CI job's token), not "
    "the catalog; put the real file or folder here instead",
    "bad-file-name": "'{value}' cannot be published under this name: a theme's static files are published as "
    "they are named, so a name must be UTF-8 text without control characters and its path about 1,000 "
    "characters at most; rename it (letters, digits, '-', '_' and '.'), in a folder a few levels deep at most",
    "bad-link": "'{value}' is a shortcut (symbolic link) that leads nowhere: to itself, to a folder it is in, or "
    "to a file that does not exist; delete it, and put the real file or folder here if one is meant",
    "empty-file": "'{field}' has an entry with no file name; write the name of a photo beside index.md, e.g. "
    "{field}: photo-1.jpg, or delete the entry",
    "missing-alt": "image '{value}' has no 'alt' text; write {{file: {value}, alt: what the photo shows}} "
    "so blind shoppers and slow connections get a description",
    "comment-cut": "'{field}' is read as '{value}': after a space, '#' starts a note for editors, so "
    "'{rest}' is left out; to keep it, put the whole value in quotes: {field}: \"{value} {rest}\"",
    "unlisted-picture": "the text shows the picture '{value}', but only the photos named in {listed_in} are "
    "published, so it is left out of the page; put the photo beside index.md and name it there (for a "
    "product: - {{file: {value}, alt: what it shows}} under images:), or take the picture out of the text",
    "outside-picture": "the text shows a picture from another website ({value}); it is left out, because "
    "other websites are slow or blocked for shoppers; save the photo beside index.md and name it in {listed_in}",
    "bad-image": "'{value}' cannot be used as an image: {problem}",
    "image-profile": "'{value}' has a damaged colour profile ({problem}), so it was treated as sRGB "
    "and its colours may look a little off; export it again as sRGB JPEG",
    "image-cache": "the image cache {value} cannot be written: {problem}; check that the folder is "
    "writable and the disk is not full (it is safe to delete the folder)",
    "bad-setting": "'{field}' {problem}",
    # site config
    "bad-language": "language '{value}' is not a language code such as zh-CN or en",
    "unknown-theme": "theme '{value}' was not found in themes/ or inside sitegen; use one of: {valid}",
    "template-error": "{problem}; fix this template, or delete it to use the one sitegen ships",
    "template-unsafe": "'{value}' reaches into Python's internals, which templates may not use (a template could "
    "otherwise run programs on the build machine); show the catalog's data instead, e.g. {{{{ product.title }}}}",
}

# Why a publish stopped
PUBLISH: dict[str, str] = {
    # the local build
    "no-output": "there is no built site at {path}; run 'sitegen build' first",
    "empty-output": "{path} is empty; run 'sitegen build' first",
    "no-manifest": "{path} has no .sitegen-manifest.json, so it is not the result of a successful build; "
    "run 'sitegen build' again and publish only when it succeeds",
    "bad-manifest": "the build manifest {path} cannot be read ({problem}); run 'sitegen build' again",
    "drafts-in-output": "{path} was built with --drafts and holds products marked draft: true, which are not "
    "ready for shoppers; run 'sitegen build' without --drafts, or publish anyway with --allow-drafts",
    "manifest-mismatch": "the built files do not match the build manifest ({count} differ, e.g. {examples}); "
    "something changed output/ after the build; run 'sitegen build' again",
    # where to publish
    "no-bucket": "no bucket to publish to; set 'bucket' in the [publish] table of sitegen.toml or pass --bucket",
    "bad-target": "--target must be file:///a/folder or s3://bucket/prefix, not '{value}'",
    "bad-option": "{option} must be {expected}, not '{value}'",
    "unsafe-folder": "the folder {path} is not empty and was not written by 'sitegen publish'; "
    "choose an empty folder so nothing of yours is deleted",
    "target-overlaps": "the target folder {path} overlaps the build output {output}; choose another folder",
    # credentials and the service
    "no-credentials": "no storage credentials found; boto3 looks in the environment variables "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then the profile{profile} in ~/.aws/credentials "
    "and ~/.aws/config, then the instance or container role",
    "bad-profile": "the profile '{profile}' is not in ~/.aws/credentials or ~/.aws/config",
    "missing-bucket": "the bucket '{bucket}' does not exist at {endpoint}; create it or fix 'bucket'",
    "access-denied": "the storage service refused access ({code}: {detail}) during {operation}; "
    "check that the credentials may list, read, write and delete in '{bucket}'",
    "service-error": "the storage service answered {code} ({detail}) during {operation} of '{key}'",
    "unreachable": "cannot reach the storage endpoint {endpoint} ({detail}); check endpoint_url and the "
    "network, then run 'sitegen publish' again",
    "unreachable-midway": "lost the storage endpoint {endpoint} mid-publish ({detail}); the bucket still serves "
    "a consistent site; run 'sitegen publish' again to finish ({done} of {total} uploads had arrived)",
    "timed-out": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a row "
    "({operation}); check endpoint_url and the network (on a slow link, raise read_timeout or connect_timeout "
    "in [publish]), then run 'sitegen publish' again",
    "timed-out-midway": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a "
    "row ({operation}), mid-publish; the bucket still serves a consistent site; check the network (on a slow "
    "link, raise read_timeout or connect_timeout in [publish]), then run 'sitegen publish' again to finish "
    "({done} of {total} uploads had arrived)",
    "interrupted": "publish interrupted; the bucket still serves a consistent site; run 'sitegen publish' "
    "again to finish ({done} of {total} uploads had arrived)",
    "bad-client": "boto3 cannot use the [publish] settings ({detail}); check endpoint_url, region, "
    "addressing_style and signature_version",
    "request-failed": "boto3 could not send {operation} of '{key}' ({detail}); check the [publish] settings",
    "write-failed": "cannot write {path}: {detail}",
    "unsafe-path": "'{path}' is not a path inside the target; publish does not write, read or delete it",
    "read-failed": "cannot read {path} from the build: {detail}; run 'sitegen build' again",
    # the plan
    "too-many-deletes": "this publish would delete {count} files (more than --max-deletes {limit}), "
    "e.g. {examples}; check --prefix and output/, then pass --force or a higher --max-deletes",
    "index-in-output": "the build output contains '{key}', a name publish keeps for itself; rename that file",
}


# Parts of sentences: hints, and the names of kinds of values
WORDS: dict[str, str] = {
    "hint-did-you-mean": "; did you mean '{word}'?",
    "hint-allowed-fields": "; allowed fields are: {choices}",
    "hint-allowed-commands": "; allowed commands are: {choices}",
    "hint-term": " (did you mean '{word}'?)",
    "term-name": "{id} ({zh})",
    "example-under-this-line": "{example} (under this line)",
    "kind-category": "category",
    "kind-certification": "certification",
    "listed-in-brand": "logo: or banner:",
    "none-defined": "(none defined)",
    # the operating system's reasons (os_reason)
    "os-denied": "permission denied",
    "os-missing": "no such file or folder",
    "os-full": "the disk is full",
    "os-read-only": "the disk is read-only",
    "os-is-folder": "it is a folder",
    "os-not-folder": "a part of the path is not a folder",
    "os-loop": "too many levels of shortcuts (symbolic links)",
    "os-name-too-long": "the name is too long",
    "os-io": "the disk could not be read (input/output error)",
    # why a photo cannot be used (the `problem` of bad-image), why an [images] setting is wrong (of bad-setting)
    "image-empty": "the file is empty (0 bytes); copy the photo again from the phone or camera",
    "image-damaged-rest": "it starts like a {kind} file but the rest is damaged; copy it again from the original",
    "image-video": "it is a video (MP4 or MOV), not a photo; use a still picture taken from it",
    "image-pdf": "it is a PDF document, not a picture; save the picture as {formats}",
    "image-text": "it contains text, not a picture, whatever its name says; use a {formats} file",
    "image-unknown-format": "it is not a picture in a format sitegen reads ({formats}), whatever its name says",
    "image-damaged": "the file is damaged ({problem}); copy it again from the original",
    "image-format-unsupported": "{format} pictures are not supported; save it as JPEG (photos) or PNG (logos, "
    "cut-outs)",
    "image-too-many-pixels": "it declares {width} × {height} pixels ({megapixels} megapixels), more than the limit "
    "of {limit}; this is usually a damaged file; for a real giant picture, make it smaller or raise max_megapixels "
    "under [images] in sitegen.toml",
    "image-zero-size": "it declares a size of 0 pixels",
    "image-cut-short": "the file is cut short or damaged ({problem}); copy it again from the phone or camera",
    "image-unreadable": "the file cannot be read ({problem})",
    "image-mode": "its colour mode {mode} is not supported ({problem}); save it as an RGB JPEG",
    "setting-number-format": "'{value}' is not a known format of certificate numbers; use one of: {valid}, or "
    "leave number_format out",
    "cert-format-green-food": "GF followed by 12 digits (e.g. GF330102240567), or an older LB-… number",
    "cert-format-organic": "17 digits (the 有机码 on the label)",
    "setting-base-url-root": "must be the address of the site's root, such as https://www.example.cn/, not "
    "'{value}': the catalog is served from the root of its own (sub)domain",
    "setting-theme": "must be the name of a folder in themes/ (or of a theme sitegen ships), such as \"default\", "
    "not '{value}': a theme cannot come from outside the catalog",
    "setting-cache-dir-inside": "must be a folder inside the catalog, such as \".sitegen-cache\", not '{value}'",
    "setting-url-port": "has an impossible port number after the ':' (it must be a whole number from 1 to 65535)",
    "setting-url-brackets": "has a '[' or ']' that does not belong in a web address",
    "setting-url-password": "must not contain a user name or password (the 'name:password@' part): every "
    "visitor could read it",
    "setting-range": "must be a whole number from {low} to {high}, not {value}",
    "setting-widths": "must be a list of widths in pixels, whole numbers from 1 to 10000, e.g. [480, 960, 1600]",
    "setting-formats": "must list some of {formats}",
    "setting-formats-unknown": "must list some of {formats}; '{value}' is not one of them",
    "setting-no-avif": "includes \"avif\", but the installed Pillow cannot write AVIF pictures; upgrade it (pip "
    "install -U pillow) or install pillow-avif-plugin, or remove \"avif\" from the list",
    "setting-cache-dir": "must be a folder inside the catalog, written relative to sitegen.toml without '..', "
    "e.g. \".sitegen-cache\" (the build reads and writes there, so sitegen.toml may not send it elsewhere)",
    # what to write instead, where a YAML or TOML reader could not read a line
    "advice-yaml-tab": "indent with spaces; the Tab key cannot be used in the front matter",
    "advice-yaml-colon": "a value containing ': ' must be in quotes, e.g. title: \"菊米: 特级\"; or this line is "
    "indented differently from the lines around it",
    "advice-yaml-quote": "a quote mark \" or ' is opened here but never closed",
    "advice-yaml-reserved": "a value starting with @, ` or % must be in quotes",
    "advice-yaml-alias": "a value starting with * or & must be in quotes, e.g. title: \"*特级*菊米\"",
    "advice-yaml-tag": "a value starting with ! must be in quotes, e.g. title: \"!好茶\"",
    "advice-yaml-list": "a list opened with [ is not closed with ]",
    "advice-yaml-group": "a group opened with {{ is not closed with }}",
    "advice-yaml-chinese-brackets": "use the English [ ] and , in a list, e.g. season: [10, 11], not 【 】 or ，",
    "advice-yaml-bracket-value": "a value starting with [ or {{ is read as a list or group; if it is text, put all "
    "of it in quotes, e.g. title: \"[特级] 菊米\"",
    "advice-yaml-quote-value": "a value that starts with a quote mark must end with the same mark; to show quote "
    "marks inside, wrap the whole value in the other kind, e.g. title: '\"遂昌\"菊米'",
    "advice-yaml-no-key": "this line has no 'field:' in front; if it continues the value on the line above, join "
    "the two lines into one",
    "advice-yaml-other": "check the indentation and quotes here",
    "advice-toml-quote": "a quote mark opened on this line is never closed; write text between two straight double "
    "quotes, e.g. title = \"山水好物\"",
    "advice-toml-value": "text must be between straight double quotes \" \" (not “ ” and not left bare), e.g. title "
    "= \"山水好物\"; numbers and true/false need no quotes",
    "advice-toml-equals": "write the setting's name, then ' = ' (the English equals sign, no colon), then the "
    "value, e.g. title = \"山水好物\"",
    "advice-toml-statement": "each line is a setting whose name is in English letters, e.g. title = \"…\", or a "
    "[section] line; Chinese text goes in double quotes after the '='",
    "advice-toml-overwrite": "this setting is already written above; keep only one of them",
    "advice-toml-declare": "this [section] is already written above; keep only one, with all its settings under it",
    "advice-toml-array": "a list opened with '[' here is never closed; end it with ']'",
    "advice-toml-inline": "a '{{' opened here is never closed; end it with '}}' on the same line",
    "advice-toml-newline": "write one setting per line, with its whole text in one pair of double quotes; a date is "
    "written 2024-09-01",
    "advice-toml-section": "a section name is written between square brackets, e.g. [contact]",
    "advice-toml-backslash": "write a backslash inside double quotes twice (\\\\), or use single quotes",
    "advice-toml-other": "check the quote marks, brackets and '=' on this line",
    "toml-too-deep": "lists or tables nested more than {depth} levels deep",
    "advice-toml-plainly": "write each setting plainly, e.g. widths = [480, 960, 1600]",
    "advice-toml-number": "write the number as it is meant, e.g. quality = 80",
    "toml-long-number": "a number with more than {digits} digits",
    "toml-huge-number": "a number larger than TOML allows",
    "type-text": "text",
    "type-int": "a whole number",
    "type-float": "a number",
    "type-bool": "true or false",
    "type-list": "a list",
    "type-none": "nothing",
    "type-bytes": "binary data",
    "type-value": "a value",
    "type-date": "a date or time",
    "type-group": "a group of fields",
    "type-table": "a table",
    "type-single-value": "a single value",
    "expect-text": "text",
    "expect-text-not-switch": "text (a word like yes, no, on or off is read as true or false unless it is in "
    "quotes, e.g. {field}: \"NO\")",
    "expect-number": "a number such as 68 or 12.5",
    "expect-number-no-currency": "only the number, without ¥ or 元, such as 68 or 12.5",
    "expect-bool": "true or false",
    "expect-list": "a list (lines starting with '- ')",
    "expect-price": "a number such as 68, or {{amount: 68, unit: \"500g\"}}",
    "expect-currency": "a three-letter currency code such as CNY (人民币), or left out for CNY",
    "expect-variant": "name, price and unit",
    "expect-shop-link": "platform and url",
    "expect-gtin": "8, 12, 13 or 14 digits in straight quotes, e.g. gtin: \"6901234567892\"",
    "expect-contact": "phone, email and address lines",
    "expect-toml-text": "text in quotes",
    "expect-toml-int": "a whole number",
    "expect-toml-bool": "true or false",
    "expect-toml-list": "a list [...]",
    "expect-toml-float": "a number",
    "expect-toml-table": "a table",
    "expect-either": "{first} or {second}",
    "expect-contact-table": "a table with phone, email, address",
    "expect-term-tables": "tables such as [{kind}.some-id]",
    "expect-term-table": "a table with zh and en",
    "expect-bucket": "a bucket name of lowercase letters, digits and '-', e.g. \"lishui-catalog\"",
    "expect-region": "a region id such as \"cn-hangzhou\" or \"ap-guangzhou\"",
    "expect-addressing-style": "\"virtual\" or \"path\"",
    "expect-signature-version": "\"s3v4\" (the default) or \"s3\" (Alibaba Cloud OSS)",
    "expect-endpoint": "an address such as \"https://oss-cn-hangzhou.aliyuncs.com\"",
    "expect-endpoint-no-user": "an address without a user name or password (credentials go in the environment, "
    "see docs/hosting.md)",
    "expect-zero-or-more": "0 or more",
    "expect-whole-range": "a whole number from {low} to {high}",
    "expect-seconds-range": "a number of seconds from {low} to {high}",
    "expect-cache-control": "a Cache-Control value in quotes, e.g. \"public, max-age=300\"",
    "expect-one-line": "a single-line header value",
    "expect-prefix": "a folder path without '.' or '..'",
}

# What the commands say: summaries, usage errors, the preview's terminal lines
UI: dict[str, str] = {
    # `sitegen` alone, for an editor who has just installed it: in both languages, whichever is chosen
    "overview": """sitegen — 区域公用品牌产品目录 (county brand catalogs)

  sitegen serve     边改边看：在浏览器里预览，保存即更新 (live preview as you edit)
  sitegen check     检查全部文件，列出所有问题 (report every problem; change nothing)
  sitegen build     生成网站到 output/ (build the site into output/)
  sitegen new       新建品牌或产品，每个字段都有说明 (create a brand or product)
  sitegen publish   上传到对象存储 (upload output/ to object storage)

sitegen <命令> --help 查看详细用法 (a command's options); sitegen --version""",
    "unknown-command": "sitegen: unknown command '{word}'{hint}",
    "usage-failed": "sitegen: {text}",
    "warning-prefix": "warning: {text}",
    "errors-summary": "{errors:@error|errors}",
    "errors-summary-build": "{errors:@error|errors}: nothing was built or changed",
    "more-warnings": "… and {count} more warnings (run 'sitegen check' to see all)",
    "checked": "checked {brands:@brand|brands} and {products:@product|products} in {seconds} s: no errors, "
    "{warnings:@warning|warnings}",
    "built": "built {pages:@page|pages} in {seconds} s ({rendered} rendered, {written:@file|files} written) → {output}",
    "progress-pages": "pages",
    "progress-photos": "photos",
    "build-waiting": "another 'sitegen build' of this catalog is running; waiting for it to finish…",
    "created-brand": "created {path}",
    "created-product": "created {path} (a draft: 'sitegen serve --drafts' shows it; remove the line 'draft: true' "
    "when it is ready)",
    "interrupted-build": "interrupted: nothing half-written; output/ holds the last complete build",
    "interrupted-publish": "interrupted: the bucket still serves a complete site; run 'sitegen publish' again to "
    "finish",
    "interrupted-other": "interrupted",
    "stopped-build": "stopped: nothing half-written; output/ holds the last complete build",
    "stopped-publish": "stopped: the bucket still serves a complete site; run 'sitegen publish' again to finish",
    "stopped-other": "stopped",
    "root-not-folder": "--root {path} is not a folder",
    "exists": "{path} already exists; nothing was changed (edit that file, or choose another id)",
    "exists-product": "{path} already exists; nothing was changed (edit that file, or choose another id with --id)",
    "empty-brand-name": "the brand name is empty; write it in quotes, e.g. sitegen new brand {id} --name \"丽水山耕\"",
    "bad-new-id": "'{id}' is not a valid id; use lowercase a-z, digits and hyphens, e.g. '{suggestion}'",
    "no-brand": "there is no brand '{id}' (brands/{id}/index.md); create it first with "
    "'sitegen new brand {id} --name …'",
    "empty-title": "the title is empty; write the product's name in quotes, e.g. sitegen new product {id} \"遂昌菊米\"",
    "no-id-from-title": "no id can be made from the title '{title}'; give one with --id, in lowercase a-z, "
    "digits and hyphens, e.g. --id my-product",
    "output-is-catalog": "the output folder {output} holds the catalog itself; building there would delete "
    "sitegen.toml, brands/ and products/; leave out --output (the site goes to output/) or choose a new folder",
    "output-inside-own": "the output folder {output} is inside the catalog's {own}/ folder, whose files the build "
    "would delete; leave out --output or choose a new folder",
    "output-is-link": "the output folder {output} is a shortcut (symbolic link) to another folder; the build will "
    "not write through it: delete the link, or choose a real folder",
    "output-not-empty": "the output folder {output} is not empty and was not made by 'sitegen build'; the build "
    "would delete what is in it; choose a new or empty folder",
    "build-disk-full": "could not write the new site beside {output} (the disk is full: {where}); nothing was built "
    "or changed: {output} still holds the last complete build; free some space on that disk and build again",
    "build-write-failed": "could not write the new site beside {output} ({problem}: {where}); nothing was built or "
    "changed: {output} still holds the last complete build; check that the folder is writable and build again",
    "worker-died-photos": "a worker process stopped abruptly (it was killed, perhaps for lack of memory) while "
    "making the photos; nothing was built or changed, and the photos finished so far are kept in the cache; run "
    "the build again, with --jobs 1 if memory is short",
    "worker-died-pages": "a worker process stopped abruptly (it was killed, perhaps for lack of memory) while "
    "rendering the pages; nothing was built or changed; run the build again, with --jobs 1 if memory is short",
    "worker-died-content": "a worker process stopped abruptly (it was killed, perhaps for lack of memory) while "
    "reading the content files; nothing was built or changed; run the build again, with --jobs 1 if memory is "
    "short",
    "template-failed": "{where}: {problem}",
    "template-failed-own": "{where}: {problem}; fix this template, or delete it to use the one sitegen ships",
    "sandbox-too-deep": "this is nested too deep for the template reader: write it flatter (fewer blocks, brackets "
    "or filters inside each other)",
    "sandbox-power": "a power this large would take the machine's memory",
    "sandbox-repeat": "text or a list repeated this often would take the machine's memory",
    "sandbox-page-memory": "this page would take more memory than a template may use (1,024 MB)",
    # publishing
    "publish-counts": "upload {files:@file|files} ({size}); delete {delete}; {unchanged} unchanged",
    "publish-counts-why": "upload {files:@file|files} ({size}: {why}); delete {delete}; {unchanged} unchanged",
    "publish-reason-new": "{count} new",
    "publish-reason-changed": "{count} changed",
    "publish-reason-headers-changed": "{count} headers changed",
    "publish-kind-new": "new",
    "publish-kind-changed": "changed",
    "publish-kind-headers-changed": "headers changed",
    "publish-kind-delete": "delete",
    "publish-plan": "plan: {counts}",
    "publish-plan-kind": "  {kind} ({count}):",
    "publish-plan-more": "    … and {count} more",
    "publish-no-network": "no network",
    "publish-requests": "{count:@request|requests}",
    "publish-dry-run-summary": "dry run for {where}: would {counts}; nothing was changed ({seconds} s, {requests})",
    "publish-summary": "published to {where}: {uploaded} uploaded ({size}), {deleted} deleted, {unchanged} unchanged "
    "in {seconds} s ({requests})",
    "publish-progress": "files, {done} / {total}",
    "publish-would-stop": "warning: a real publish would stop here: {text}",
    "publish-default-domain": "{host} is a {cloud} default domain, which makes browsers download HTML pages instead "
    "of showing them; serve the site from your own domain (with its ICP filing) and set base_url to it "
    "(see docs/hosting.md)",
    "publish-path-style": "{cloud} refuses path-style requests (COS for buckets created since 2024); set "
    "addressing_style = \"virtual\"",
    # the preview
    "serve-port-in-use": "port {port} on {host} is in use (another 'sitegen serve'?): choose another, "
    "e.g. --port {next}",
    "serve-cannot-bind": "cannot serve on {host}:{port} ({problem})",
    "serve-building": "building the preview of {root} …",
    "serve-at": "preview at {url} (Ctrl-C to stop); watching sitegen.toml, brands/, products/ and themes/",
    "serve-lan-warning": "--host {host}: other computers and phones on this network can see the preview "
    "(drafts included)",
    "serve-phone": "on a phone on the same network: {url}",
    "serve-rendered": "{what}: {rendered} page(s) rendered in {seconds} s",
    "serve-rendered-later": "{what}: {rendered} page(s) rendered in {seconds} s; the other {later} next",
    "serve-rest-rendered": "the other {rendered} page(s) rendered in {seconds} s",
    "serve-and-more": "{names} and {more} more",
    "serve-problems": "{count} problem(s): the preview shows the last good build until they are fixed",
    "serve-watch-limit": "this system's limit of watched folders (fs.inotify.max_user_watches) is reached: "
    "watching by polling instead, which notices changes within a second",
    "serve-watch-limit-later": "the limit of watched folders is reached: watching by polling instead",
    "serve-stopped": "stopped",
    "serve-foreign-host": "sitegen serve answers only to this computer's own names (127.0.0.1, localhost)",
    "overlay-title": "sitegen: the preview is not updated until these problems are fixed",
}

# --help of every command and option (argparse %-formats them: a per cent sign is written %%)
HELP: dict[str, str] = {
    "help-sitegen": "Build county brand catalogs as static sites.",
    "help-commands": "commands",
    "help-kinds": "what to create",
    "help-help": "show this help and exit",
    "help-version": "show sitegen's version and exit",
    "help-root": "the catalog folder (default: here)",
    "help-quiet": "print only problems",
    "help-verbose": "print more",
    "help-lang": "the language sitegen speaks: zh-CN or en (default: SITEGEN_LANG, then the system's language, "
    "then the catalog's)",
    "help-build": "check the catalog and build the site into output/",
    "help-build-output": "where to write the site (default: ROOT/output)",
    "help-build-drafts": "include products marked draft: true",
    "help-jobs": "worker processes (default: one per core)",
    "help-check": "report every problem in the catalog; change nothing",
    "help-check-format": "json: one problem per line, with its code, parameters and text",
    "help-serve": "preview the catalog in a browser as you edit it",
    "help-serve-port": "default: 8000 (0: any free port)",
    "help-serve-host": "default: 127.0.0.1, this computer only; 0.0.0.0 lets phones on the same network see it",
    "help-serve-drafts": "show products marked draft: true, with a 草稿 badge",
    "help-serve-open": "open the preview in the browser",
    "help-serve-poll": "notice changes by polling (WSL, Docker bind mounts and network drives give no events)",
    "help-serve-jobs": "worker processes for the first build (default: one per core)",
    "help-new": "create a brand or product with every field explained",
    "help-brand": "a brand: sitegen new brand <id> --name 名称",
    "help-new-brand-id": "the brand's folder name: lowercase a-z, digits and hyphens, e.g. lishui",
    "help-new-brand-name": "the brand's name, e.g. 丽水山耕",
    "help-product": "a product: sitegen new product <brand-id> \"中文标题\" [--id ID]",
    "help-new-product-brand": "the id of the brand it belongs to (its folder under brands/)",
    "help-new-product-title": "the product's name, in quotes",
    "help-new-product-id": "folder name (default: pinyin of the title)",
    "help-publish": "upload output/ to S3-compatible object storage",
    "help-publish-output": "the built site (default: ROOT/output)",
    "help-publish-where": "where to publish (override [publish] in sitegen.toml)",
    "help-publish-bucket": "bucket name",
    "help-publish-prefix": "folder inside the bucket (default: the bucket root)",
    "help-publish-endpoint-url": "S3-compatible endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com",
    "help-publish-region": "region, e.g. cn-hangzhou or ap-guangzhou",
    "help-publish-addressing-style": "virtual (bucket.host, needed by OSS and COS) or path (host/bucket, MinIO)",
    "help-publish-signature-version": "request signing: s3v4 (default) or s3 (OSS's S3-compatible API)",
    "help-publish-profile": "credentials profile from ~/.aws/credentials",
    "help-publish-target": "file:///a/folder (write the site there) or s3://bucket/prefix",
    "help-publish-how": "how",
    "help-publish-workers": "parallel uploads (default 8)",
    "help-publish-connect-timeout": "seconds to connect, and to send each 128 KiB (default {default})",
    "help-publish-read-timeout": "seconds to wait for an answer (default {default})",
    "help-publish-attempts": "tries of each request before publish gives up (default {default})",
    "help-publish-gzip": "store text files gzip-compressed with Content-Encoding: gzip",
    "help-publish-dry-run": "show what would be uploaded and deleted, and why; change nothing",
    "help-publish-json": "print the plan or the result as one JSON object",
    "help-publish-no-delete": "keep remote files that the build no longer has",
    "help-publish-max-deletes": "refuse to delete more than N files (default {default})",
    "help-publish-force": "delete even more than --max-deletes files",
    "help-publish-allow-drafts": "publish a site built with --drafts (products marked draft: true are then public)",
}

# argparse's own words (its usage line, section titles and complaints), %-formatted by argparse itself: each text
# must be argparse's English exactly, since that is how argparse asks for it (see cli.argparse_in)
ARGPARSE: dict[str, str] = {
    "argparse-usage": "usage: ",
    "argparse-positionals": "positional arguments",
    "argparse-options": "options",
    "argparse-error": "%(prog)s: error: %(message)s\n",
    "argparse-argument": "argument %(argument_name)s: %(message)s",
    "argparse-required": "the following arguments are required: %s",
    "argparse-unrecognized": "unrecognized arguments: %s",
    "argparse-not-allowed": "not allowed with argument %s",
    "argparse-ignored": "ignored explicit argument %r",
    "argparse-one-of": "one of the arguments %s is required",
    "argparse-one": "expected one argument",
    "argparse-at-most-one": "expected at most one argument",
    "argparse-at-least-one": "expected at least one argument",
    "argparse-ambiguous": "ambiguous option: %(option)s could match %(matches)s",
    "argparse-unexpected": "unexpected option string: %s",
    "argparse-invalid-value": "invalid %(type)s value: %(value)r",
    "argparse-invalid-choice": "invalid choice: %(value)r (choose from %(choices)s)",
}

# Parameters a translation may leave out: another program's own English words, which help someone searching the web
# for them but only stand in the way of a county editor (the advice beside them says what to do).
MAY_OMIT: dict[str, frozenset[str]] = {"yaml-syntax": frozenset({"problem"})}

ENGLISH: dict[str, str] = {**PROBLEMS, **PUBLISH, **WORDS, **UI, **HELP, **ARGPARSE}
