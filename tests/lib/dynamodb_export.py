"""DynamoDB table exports as DynamoDB's export to S3 writes them (DYNAMODB_JSON), built from
AWS's documented layout ("DynamoDB table export output format"), since nothing on this machine
produces a real one:

  <root>/AWSDynamoDB/<export id>/_started                (empty)
  <root>/AWSDynamoDB/<export id>/manifest-summary.json   the export: type, format, counts
  <root>/AWSDynamoDB/<export id>/manifest-summary.checksum
  <root>/AWSDynamoDB/<export id>/manifest-files.json     a JSON line per data file
  <root>/AWSDynamoDB/<export id>/manifest-files.checksum
  <root>/AWSDynamoDB/<export id>/data/<name>.json.gz     the items (full) or changes

A full export's data lines are {"Item":{...}}; an incremental export's are
{"Metadata":{"WriteTimestampMicros":{"N":...}},"Keys":{...},"NewImage":{...},"OldImage":{...}}
(NEW_AND_OLD_IMAGES), a deleted item's without NewImage. dataFileS3Key names the bucket's
export prefix ("exports/AWSDynamoDB/..."), as in a real export; a loader resolves it against
wherever the export was copied."""
import base64
import gzip
import hashlib
import json
import os

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/offers"


def key_of(item, key_names=("account", "offer_id")):
    return {name: item[name] for name in key_names}


def change_lines(before, after, timestamp=1700000000000000):
    """The incremental export of going from table `before` to `after` (dicts key -> item)."""
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        line = {"Metadata": {"WriteTimestampMicros": {"N": str(timestamp)}},
                "Keys": key_of(new or old)}
        if new is not None:
            line["NewImage"] = new
        if old is not None:
            line["OldImage"] = old
        lines.append(line)
        timestamp += 1
    return lines


def write_export(root, export_id, lines, incremental=False, files=2, output_format="DYNAMODB_JSON",
                 s3_prefix="exports"):
    """Writes an export of `lines` (JSON objects, one per data line) split over `files` data
    files under root; returns its folder and the data files' paths."""
    folder = os.path.join(root, "AWSDynamoDB", export_id)
    os.makedirs(os.path.join(folder, "data"), exist_ok=True)
    open(os.path.join(folder, "_started"), "w").close()
    manifest_lines, paths = [], []
    for n in range(files):
        chunk = lines[n::files]
        name = "%s-%04d.json.gz" % (hashlib.sha1(f"{export_id}{n}".encode()).hexdigest()[:20], n)
        body = gzip.compress("".join(json.dumps(line, separators=(",", ":")) + "\n"
                                     for line in chunk).encode(), mtime=0)
        path = os.path.join(folder, "data", name)
        with open(path, "wb") as f:
            f.write(body)
        paths.append(path)
        manifest_lines.append({
            "itemCount": len(chunk),
            "md5Checksum": base64.b64encode(hashlib.md5(body).digest()).decode(),
            "etag": hashlib.md5(body).hexdigest() + "-1",
            "dataFileS3Key": f"{s3_prefix}/AWSDynamoDB/{export_id}/data/{name}",
        })
    files_text = "".join(json.dumps(m) + "\n" for m in manifest_lines)
    summary = {
        "version": "2023-08-01" if incremental else "2020-06-30",
        "exportArn": f"{TABLE_ARN}/export/{export_id}",
        "startTime": "2026-12-01T10:00:00.000Z", "endTime": "2026-12-01T10:05:00.000Z",
        "tableArn": TABLE_ARN, "tableId": "12345a12-abcd-123a-ab12-1234abc12345",
        "exportTime": "2026-12-01T10:00:00.000Z", "s3Bucket": "export-bucket",
        "s3Prefix": s3_prefix, "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": None,
        "manifestFilesS3Key": f"{s3_prefix}/AWSDynamoDB/{export_id}/manifest-files.json",
        "billedSizeBytes": 0, "itemCount": len(lines), "outputFormat": output_format,
        "exportType": "INCREMENTAL_EXPORT" if incremental else "FULL_EXPORT",
    }
    if incremental:
        summary.update({"exportFromTime": "2026-12-01T10:00:00.000Z",
                        "exportToTime": "2026-12-01T11:00:00.000Z",
                        "outputView": "NEW_AND_OLD_IMAGES"})
    summary_text = json.dumps(summary, indent=2)
    for name, text in (("manifest-summary", summary_text), ("manifest-files", files_text)):
        with open(os.path.join(folder, name + ".json"), "w") as f:
            f.write(text)
        with open(os.path.join(folder, name + ".checksum"), "w") as f:
            f.write(hashlib.md5(text.encode()).hexdigest())
    return folder, paths
