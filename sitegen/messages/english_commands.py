"""The English text of what the commands themselves say: summaries, usage errors, the preview's terminal, the
publish plan, `--help` of every command and option, and argparse's own words (english.py gathers them with the
problems' texts into the one table the catalog is made from)."""

from __future__ import annotations

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
    "worker-died-qr": "a worker process stopped abruptly (it was killed, perhaps for lack of memory) while "
    "making the products' QR codes; nothing was built or changed; run the build again, with --jobs 1 if memory is "
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
