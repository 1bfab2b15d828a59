window.YTD.direct_messages_group.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1290000000000000555",
      "messages" : [
        {
          "conversationNameUpdate" : {
            "initiatingUserId" : "3333",
            "name" : "Lisbon trip ✈️",
            "createdAt" : "2020-05-03T18:00:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "who&#39;s in? https://t.co/Gif00001",
            "mediaUrls" : [
              "https://video.twimg.com/dm_gif/1256000000000000900/XyZgif.mp4"
            ],
            "senderId" : "3333",
            "id" : "1256000000000000009",
            "createdAt" : "2020-05-03T17:59:00.000Z"
          }
        },
        {
          "conversationAvatarUpdate" : {
            "initiatingUserId" : "2222",
            "createdAt" : "2020-05-03T17:58:00.000Z"
          }
        },
        {
          "reactionCreate" : {
            "senderId" : "1111",
            "reactionKey" : "funny",
            "eventId" : "1256000000000000005",
            "createdAt" : "2020-05-03T17:57:00.000Z"
          }
        },
        {
          "participantsLeave" : {
            "userIds" : [ "4444" ],
            "createdAt" : "2020-05-03T17:56:00.000Z"
          }
        },
        {
          "participantsJoin" : {
            "initiatingUserId" : "2222",
            "userIds" : [ "4444" ],
            "createdAt" : "2020-05-03T17:55:00.000Z"
          }
        },
        {
          "reactionCreate" : {
            "senderId" : "3333",
            "reactionKey" : "like",
            "eventId" : "1256000000000000005",
            "createdAt" : "2020-05-03T17:54:30.000Z"
          }
        },
        {
          "messageCreate" : {
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "ok &gt; fine",
            "mediaUrls" : [ ],
            "senderId" : "2222",
            "id" : "1256000000000000005",
            "createdAt" : "2020-05-03T17:54:00.000Z"
          }
        },
        {
          "reactionCreate" : {
            "senderId" : "2222",
            "reactionKey" : "sad",
            "eventId" : "1200000000000000001",
            "createdAt" : "2020-05-03T17:53:00.000Z"
          }
        },
        {
          "joinConversation" : {
            "initiatingUserId" : "2222",
            "participantsSnapshot" : [ "1111", "2222", "3333" ],
            "createdAt" : "2020-05-03T17:50:00.000Z"
          }
        }
      ]
    }
  }
]
