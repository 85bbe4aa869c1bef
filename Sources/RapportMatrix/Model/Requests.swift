/// Request and response bodies of the client-server API calls the connector makes.
enum API {
    struct PasswordLogin: Encodable {
        struct Identifier: Encodable {
            var type = "m.id.user"
            var user: String
        }
        var type = "m.login.password"
        var identifier: Identifier
        var password: String
        var deviceID: String?
        var initialDeviceDisplayName: String?

        enum CodingKeys: String, CodingKey {
            case type, identifier, password
            case deviceID = "device_id"
            case initialDeviceDisplayName = "initial_device_display_name"
        }
    }

    struct LoginResponse: Decodable {
        var userID: String
        var accessToken: String
        var deviceID: String

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case accessToken = "access_token"
            case deviceID = "device_id"
        }
    }

    struct WhoAmI: Decodable {
        var userID: String
        var deviceID: String?

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case deviceID = "device_id"
        }
    }

    struct RoomIDResponse: Decodable {
        var roomID: String
        enum CodingKeys: String, CodingKey { case roomID = "room_id" }
    }

    struct EventIDResponse: Decodable {
        var eventID: String
        enum CodingKeys: String, CodingKey { case eventID = "event_id" }
    }

    struct Leave: Encodable {
        var reason: String?
    }

    struct CreateRoom: Encodable {
        var preset = "private_chat"
        var isDirect = true
        var invite: [String]

        enum CodingKeys: String, CodingKey {
            case preset, invite
            case isDirect = "is_direct"
        }
    }

    struct Profile: Decodable {
        var displayname: String?
    }

    struct JoinedMembers: Decodable {
        struct Member: Decodable {
            var displayName: String?
            enum CodingKeys: String, CodingKey { case displayName = "display_name" }
        }
        var joined: [String: Member]
    }

    struct Empty: Codable {}

    /// The standard error body: `{"errcode": "M_…", "error": "…", "retry_after_ms": …}`.
    struct ErrorBody: Decodable {
        var errcode: String?
        var error: String?
        var retryAfterMs: Int?

        enum CodingKeys: String, CodingKey {
            case errcode, error
            case retryAfterMs = "retry_after_ms"
        }
    }
}
